"""Bulk enrolment from a spreadsheet: parse, preview (dry run), apply, report.

Columns (header row, any order, case-insensitive): ``email`` (required), ``role`` (mentor,
mentee or both; default mentee), ``capacity`` (mentors only, optional). Each person must
already be a member of the programme's organization or a partner organization: imports
enrol people, they never create accounts.
"""

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.organizations.models import Membership
from carementor.programs.models import Enrollment, ImportBatch, Program
from carementor.programs.services import ProgramError, enrollment_add

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def _read_table(filename: str, content: bytes) -> list[list[str]]:
    if len(content) > MAX_BYTES:
        raise ProgramError(_("The file is larger than 5 MB."), "too_large")
    if filename.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramError(_("Save the CSV file as UTF-8 and try again."), "encoding") from exc
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ProgramError(_("This is not a readable CSV file."), "format") from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ProgramError(_("This is not a readable Excel (.xlsx) file."), "format") from exc
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v).strip() for v in values])
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def parse(
    program: Program, filename: str, content: bytes
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Valid rows and per-line errors ({"line", "reason"}); line 1 is the header."""
    table = _read_table(filename, content)
    if not table:
        raise ProgramError(_("The file is empty."), "empty")
    header = [h.strip().lower() for h in table[0]]
    if "email" not in header:
        raise ProgramError(_("The first row must name the columns, including “email”."), "header")
    if len(table) - 1 > MAX_ROWS:
        raise ProgramError(_("Import at most %d people at a time.") % MAX_ROWS, "too_many")
    col: dict[str, int] = {
        name: header.index(name) for name in ("email", "role", "capacity") if name in header
    }

    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    organizations = {program.organization_id} | set(
        program.partner_organizations.values_list("pk", flat=True)
    )
    emails = {cell(r, "email").lower() for r in table[1:]}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    members = set(
        Membership.objects.filter(
            user__in=users.values(), organization_id__in=organizations
        ).values_list("user_id", flat=True)
    )
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, raw in enumerate(table[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        email = cell(raw, "email").lower()
        role = (cell(raw, "role") or Enrollment.Role.MENTEE).lower()
        capacity_text = cell(raw, "capacity")
        try:
            validate_email(email)
        except ValidationError:
            errors.append({"line": line, "reason": _("“%s” is not an e-mail address.") % email})
            continue
        if email in seen:
            errors.append({"line": line, "reason": _("%s appears twice in the file.") % email})
            continue
        seen.add(email)
        if role not in Enrollment.Role.values:
            errors.append(
                {"line": line, "reason": _("Role must be mentor, mentee or both, not “%s”.") % role}
            )
            continue
        capacity: int | None = None
        if capacity_text:
            try:
                capacity = int(float(capacity_text))
            except ValueError:
                capacity = -1
            if not 0 <= capacity <= 50:
                errors.append(
                    {"line": line, "reason": _("Capacity must be a number from 0 to 50.")}
                )
                continue
        user = users.get(email)
        if user is None or user.pk not in members:
            errors.append(
                {
                    "line": line,
                    "reason": _("%s is not a member of a participating organization.") % email,
                }
            )
            continue
        rows.append({"line": line, "email": email, "role": role, "capacity": capacity})
    return rows, errors


@transaction.atomic
def import_preview(*, program: Program, actor: Any, filename: str, content: bytes) -> ImportBatch:
    rows, errors = parse(program, filename, content)
    batch = ImportBatch.objects.create(
        program=program,
        filename=filename[:255],
        rows=rows,
        errors=errors,
        created_by=actor,
    )
    record(
        actor,
        "program.import_previewed",
        program,
        organization=program.organization,
        detail={"batch": batch.code, "valid": len(rows), "errors": len(errors)},
    )
    return batch


@transaction.atomic
def import_apply(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("program").get(pk=batch.pk)
    if batch.status == ImportBatch.Status.APPLIED:
        raise ProgramError(_("This import has already been applied."), "applied")
    program = batch.program
    users = {
        u.email.lower(): u for u in User.objects.filter(email__in=[r["email"] for r in batch.rows])
    }
    created = updated = 0
    for row in batch.rows:
        user = users.get(row["email"])
        if user is None:
            continue
        _enrollment, was_created = enrollment_add(
            program=program, actor=actor, user=user, role=row["role"], capacity=row["capacity"]
        )
        created += was_created
        updated += not was_created
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.report = {"created": created, "updated": updated, "skipped": len(batch.errors)}
    batch.save(update_fields=["status", "applied_at", "report"])
    record(
        actor,
        "program.import_applied",
        program,
        organization=program.organization,
        detail={"batch": batch.code, **batch.report},
    )
    return batch


def export_csv(enrollments: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "full_name", "role", "status", "capacity", "seats_taken", "applied"])
    for e in enrollments:
        writer.writerow(
            [
                e.user.email,
                _safe(e.user.full_name),
                e.role,
                e.status,
                e.capacity,
                e.seats_taken,
                e.created_at.date().isoformat(),
            ]
        )
    return out.getvalue()


def _safe(value: str) -> str:
    # Spreadsheet formula injection: a leading = + - @ would run as a formula in Excel.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
