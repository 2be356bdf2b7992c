"""Reading an uploaded CSV or XLSX table within fixed bounds, so a hostile file costs little.

Every limit is checked before the work it bounds: the file's size first; for XLSX the zip's
entry count and declared uncompressed size before openpyxl opens it (Python's zipfile never
inflates an entry past its declared size, so the declaration holds); then rows are streamed
(openpyxl read-only mode, ``csv.reader``) and reading stops at the first row, column or cell
over its limit. NUL bytes are refused: PostgreSQL cannot store them in text.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024  # the uploaded file
    max_unzipped: int = 20 * 1024 * 1024  # an XLSX's entries together, inflated
    max_entries: int = 200  # files inside an XLSX
    max_rows: int = 5000  # data rows, after the header
    max_columns: int = 50
    max_cell: int = 1000  # characters in one cell


DEFAULT = Limits()


class TableError(ValueError):
    """The file cannot be read within the limits; ``message`` is for people, ``code`` for
    programs, ``status`` the HTTP answer (413 for too large, else 400)."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def is_xlsx(filename: str, content: bytes) -> bool:
    return filename.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC)


def read_table(filename: str, content: bytes, limits: Limits = DEFAULT) -> list[list[str]]:
    """The header row and up to ``max_rows`` data rows, each cell a stripped string."""
    return list(iter_table(filename, content, limits))


def iter_table(filename: str, content: bytes, limits: Limits = DEFAULT) -> Iterator[list[str]]:
    if len(content) > limits.max_bytes:
        raise TableError(
            _("The file is larger than %(n)d MB.") % {"n": limits.max_bytes // (1024 * 1024)},
            "too_large",
            413,
        )
    rows = _xlsx_rows(content, limits) if is_xlsx(filename, content) else _csv_rows(content)
    for number, row in enumerate(rows):
        if number > limits.max_rows:
            raise TableError(
                _("Import at most %(n)d rows at a time.") % {"n": limits.max_rows}, "too_many"
            )
        while row and not row[-1]:
            row.pop()  # trailing empty cells do not count as columns
        if len(row) > limits.max_columns:
            raise TableError(
                _("Row %(line)d has more than %(n)d columns.")
                % {"line": number + 1, "n": limits.max_columns},
                "too_wide",
            )
        for cell in row:
            if len(cell) > limits.max_cell:
                raise TableError(
                    _("Row %(line)d has a cell longer than %(n)d characters.")
                    % {"line": number + 1, "n": limits.max_cell},
                    "cell_too_long",
                )
            if "\x00" in cell:
                raise TableError(_("The file contains NUL characters."), "nul")
        yield row


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    if b"\x00" in content:
        raise TableError(_("The file contains NUL characters."), "nul")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(_("Save the CSV file as UTF-8 and try again."), "encoding") from exc
    try:
        # csv's own field limit (128 KB) bounds one cell before our cell check sees it.
        for row in csv.reader(io.StringIO(text)):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise TableError(_("This is not a readable CSV file."), "format") from exc


def _xlsx_rows(content: bytes, limits: Limits) -> Iterator[list[str]]:
    unreadable = _("This is not a readable Excel (.xlsx) file.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableError(unreadable, "format") from exc
    if len(entries) > limits.max_entries:
        raise TableError(unreadable, "format")
    if sum(entry.file_size for entry in entries) > limits.max_unzipped:
        raise TableError(
            _("The spreadsheet unpacks to more than %(n)d MB.")
            % {"n": limits.max_unzipped // (1024 * 1024)},
            "too_large",
            413,
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(unreadable, "format") from exc
    try:
        if not book.worksheets:
            raise TableError(unreadable, "format")
        sheet = book.worksheets[0]
        # Bounded reads: a sheet may claim a million rows or 16,384 columns; one past each
        # limit is enough to refuse it.
        for values in sheet.iter_rows(
            max_row=limits.max_rows + 2, max_col=limits.max_columns + 1, values_only=True
        ):
            yield ["" if v is None else str(v).strip() for v in values]
    except TableError:
        raise
    except Exception as exc:
        raise TableError(unreadable, "format") from exc
    finally:
        book.close()
