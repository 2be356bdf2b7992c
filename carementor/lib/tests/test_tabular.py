"""The bounded table reader refuses hostile CSV and XLSX files before doing their work."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from carementor.lib import tabular
from carementor.lib.tabular import Limits, TableError, read_table


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet_xml`` (and ``extra`` entries
    added), as an attacker would craft it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["email"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = sheet_xml if entry.filename == "xl/worksheets/sheet1.xml" else source.read(entry)
            target.writestr(entry.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def sheet(rows: bytes, dimension: str = "A1") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="'
        + dimension.encode()
        + b'"/><sheetData>'
        + rows
        + b"</sheetData></worksheet>"
    )


def inline_row(number: int, *values: str, first_column: int = 0) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
        % (column(first_column + i).encode(), number, value.encode())
        for i, value in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def refused(filename: str, content: bytes, limits: Limits = tabular.DEFAULT) -> TableError:
    with pytest.raises(TableError) as info:
        read_table(filename, content, limits)
    return info.value


def test_reads_csv_and_xlsx_alike():
    rows = [["email", "role"], ["asha@example.org", "mentee"], ["vikram@example.org", "mentor"]]
    csv_bytes = "\ufeffemail,role\nasha@example.org , mentee\nvikram@example.org,mentor,,\n"
    assert read_table("people.csv", csv_bytes.encode()) == rows
    assert read_table("people.xlsx", xlsx(rows)) == rows
    assert read_table("upload", xlsx(rows)) == rows  # recognised by its magic bytes


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    bomb = with_sheet(sheet(b""), {"xl/media/padding.bin": b"\0" * (21 * 1024 * 1024)})
    assert len(bomb) < 100_000
    error = refused("bomb.xlsx", bomb)
    assert error.code == "too_large" and error.status == 413
    assert "unpacks to more than 20 MB" in error.message


def test_too_many_entries_are_refused():
    many = with_sheet(sheet(b""), {f"xl/junk/{i}.xml": b"<a/>" for i in range(300)})
    assert refused("many.xlsx", many).code == "format"


def test_a_million_rows_stop_at_the_limit():
    rows = b"".join(inline_row(i, f"p{i}@example.org") for i in range(1, 200_001))
    big = with_sheet(sheet(rows, "A1:A200000"))
    assert refused("big.xlsx", big).code == "too_many"
    csv_rows = b"email\n" + b"x@example.org\n" * 200_000
    assert refused("big.csv", csv_rows).code == "too_many"


def test_a_sheet_that_claims_every_cell_is_read_within_bounds():
    """The dimension says A1:XFD1048576 and one cell sits in the very last row and column:
    reading pads at most the limits, then refuses."""
    rows = inline_row(1, "email") + inline_row(1_048_576, "x", first_column=16_383)
    error = refused("claims.xlsx", with_sheet(sheet(rows, "A1:XFD1048576")))
    assert error.code == "too_many"


def test_too_many_columns():
    wide = [[f"c{i}" for i in range(60)]]
    assert refused("wide.xlsx", xlsx(wide)).code == "too_wide"
    assert refused("wide.csv", ",".join(wide[0]).encode()).code == "too_wide"


def test_a_huge_cell_is_refused():
    assert refused("cell.xlsx", xlsx([["email"], ["x" * 5000]])).code == "cell_too_long"
    assert refused("cell.csv", b"email\n" + b"x" * 5000).code == "cell_too_long"
    # Past csv's own field limit the parser stops first.
    assert refused("cell.csv", b"email\n" + b"x" * 200_000).code == "format"


def test_nul_bytes_and_broken_files_are_refused():
    assert refused("nul.csv", b"email\nasha@example.org\x00\n").code == "nul"
    assert refused("broken.xlsx", b"PK\x03\x04 not really a zip").code == "format"
    assert refused("latin.csv", "email\nrené@example.org".encode("latin-1")).code == "encoding"
    error = refused("big.csv", b"x" * 2048, Limits(max_bytes=1024))
    assert error.code == "too_large" and error.status == 413


def test_an_entry_never_inflates_past_its_declared_size() -> None:
    """Python's zipfile stops inflating an entry at its declared size, which is why the
    declared total is a sound bound; this pins that behaviour of the standard library."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.bin", b"\0" * 1_000_000)
    data = bytearray(out.getvalue())
    lie = (1000).to_bytes(4, "little")
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = lie
    data[central + 24 : central + 28] = lie
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    assert archive.infolist()[0].file_size == 1000
    try:
        inflated = archive.read("a.bin")
    except zipfile.BadZipFile:  # the CRC of the truncated data does not match
        inflated = b""
    assert len(inflated) <= 1000
