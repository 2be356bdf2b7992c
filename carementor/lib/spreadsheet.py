"""Cells that stay text when a CSV export is opened in a spreadsheet."""

from typing import Any

# A leading = + - @ makes Excel, LibreOffice and Sheets evaluate the cell as a formula
# ("=HYPERLINK(...)" exfiltrates data); a leading TAB or CR hides such a prefix from a naive
# check and is stripped by some importers. OWASP's "CSV injection" guidance.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that could start a formula gets a leading apostrophe; everything else is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Any) -> list[Any]:
    return [safe_cell(value) for value in row]
