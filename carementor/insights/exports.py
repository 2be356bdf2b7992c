"""The dashboard's figures as CSV or XLSX: the headline figures, then the monthly trends."""

import csv
import io
from typing import Any

from carementor.insights.figures import Figures, summary_rows, trend_labels
from carementor.insights.national import (
    OrganizationRow,
    columns,
    row_name,
    row_values,
    withheld_text,
)
from carementor.lib.spreadsheet import safe_row


def _rows(f: Figures) -> tuple[list[list[Any]], list[list[Any]]]:
    summary = [["figure", "value"], *[[str(k), v] for k, v in summary_rows(f)]]
    labels = trend_labels()
    trends: list[list[Any]] = [["month", *[str(labels[k]) for k in f.trends]]]
    for index, month in enumerate(f.months):
        trends.append([month, *[values[index] for values in f.trends.values()]])
    return summary, trends


def _organization_rows(rows: list[OrganizationRow]) -> list[list[Any]]:
    from django.utils.translation import gettext as _

    out: list[list[Any]] = [
        [
            str(_("Organization")),
            str(_("People taking part")),
            *[str(label) for _key, label in columns()],
        ]
    ]
    for row in rows:
        values = row_values(row) if not row.withheld else [withheld_text()]
        out.append([row_name(row), row.participants, *values])
    return out


def to_csv(f: Figures, organizations: list[OrganizationRow] | None = None) -> bytes:
    summary, trends = _rows(f)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in summary:
        writer.writerow(safe_row(row))
    writer.writerow([])
    for row in trends:
        writer.writerow(safe_row(row))
    if organizations is not None:
        writer.writerow([])
        for row in _organization_rows(organizations):
            writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(f: Figures, *, title: str, organizations: list[OrganizationRow] | None = None) -> bytes:
    from openpyxl import Workbook

    summary, trends = _rows(f)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Figures"
    for row in summary:
        sheet.append(safe_row(row))
    sheet.freeze_panes = "A2"
    monthly = book.create_sheet("Trends")
    for row in trends:
        monthly.append(safe_row(row))
    if organizations is not None:
        by_organization = book.create_sheet("Organizations")
        for row in _organization_rows(organizations):
            by_organization.append(safe_row(row))
        by_organization.freeze_panes = "B2"
    about = book.create_sheet("About")
    about.append(safe_row([title]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
