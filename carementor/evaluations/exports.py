"""CSV and XLSX files of a programme's aggregate results, and the named-answer export.

The aggregate files carry exactly the figures of the report (``reports.export_rows``), so
the anonymity threshold holds in them too. Individual answers leave CareMentor only for
named instruments, only for the programme's managers, and every such export is audited.
"""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.evaluations.models import Anonymity, Answer, Instrument, Response
from carementor.evaluations.reports import EXPORT_COLUMNS
from carementor.lib.spreadsheet import safe_cell
from carementor.programs.models import Program

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMED_COLUMNS = (
    "respondent_email",
    "respondent_name",
    "occasion",
    "cohort",
    "submitted_on",
    "item",
    "domain",
    "value",
    "score",
    "text",
)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], *, title: str, notes: Sequence[str]
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Results"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([safe_cell(row.get(column, "")) for column in columns])
    sheet.freeze_panes = "A2"
    about = book.create_sheet("About")
    about.append([safe_cell(title)])
    for note in notes:
        about.append([safe_cell(note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def aggregate_notes(program: Program, threshold: int) -> list[str]:
    return [
        _("Aggregate results only. Groups with fewer than %(n)s responses are withheld.")
        % {"n": threshold},
        _(
            "change = closure mean minus baseline mean; effect_type d_av: paired (named) design, "
            "Cohen's d with the average SD; g: unpaired (anonymous) design, Hedges' g."
        ),
        _("Programme: %(name)s (%(code)s)") % {"name": program.name, "code": program.code},
    ]


def export_columns() -> tuple[str, ...]:
    return EXPORT_COLUMNS


def named_instruments(program: Program) -> "QuerySet[Instrument]":
    """Named instruments with answers in the programme: the only ones with an answer export."""
    return Instrument.objects.filter(
        anonymity=Anonymity.NAMED,
        pk__in=Response.objects.filter(program=program).values("instrument_id"),
    ).order_by("name")


def named_instrument_for(program: Program, instrument_code: str) -> Instrument:
    """A named instrument answered in the programme; anonymous ones do not exist here (404)."""
    instrument = (
        named_instruments(program).filter(code=instrument_code, anonymity=Anonymity.NAMED).first()
    )
    if instrument is None:
        raise Http404
    return instrument


def named_answers(*, program: Program, instrument: Instrument, user: Any, request: Any) -> bytes:
    """Every answer to a named instrument in the programme, with who gave it. Callers check
    that the person manages the programme and that the instrument is named; this refuses an
    anonymous instrument again, whatever the caller did."""
    if instrument.anonymity != Anonymity.NAMED:
        raise PermissionError("anonymous answers are never exported")
    answers = (
        Answer.objects.filter(
            response__program=program,
            response__instrument=instrument,
            response__instrument__anonymity=Anonymity.NAMED,
        )
        .select_related("response__respondent", "item")
        .order_by("response__submitted_on", "response__id", "item__order")
    )
    rows = [
        {
            "respondent_email": a.response.respondent.email if a.response.respondent else "",
            "respondent_name": a.response.respondent.full_name if a.response.respondent else "",
            "occasion": a.response.occasion,
            "cohort": a.response.cohort,
            "submitted_on": a.response.submitted_on.isoformat(),
            "item": a.item.key,
            "domain": a.item.domain,
            "value": "" if a.value is None else a.value,
            "score": "" if a.score is None else a.score,
            "text": a.text,
        }
        for a in answers
    ]
    record(
        user,
        "evaluation.answers_exported",
        program,
        organization=program.organization,
        request=request,
        detail={"instrument": instrument.code, "rows": len(rows)},
    )
    return to_csv(NAMED_COLUMNS, rows)
