"""Tiny, dependency-free PDF writing: sample certificates for demo data and for tests.

``build_pdf`` lays out numbered objects with a correct cross-reference table, so tests can
also build deliberately hostile PDFs object by object.
"""


def build_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """Objects are bodies for 1 0 obj, 2 0 obj, …; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def page_objects(lines: list[str], *, catalog_extra: bytes = b"") -> list[bytes]:
    """Catalog, page tree, one A4 page of Helvetica text, its font and content stream."""
    text = b"BT /F1 14 Tf 72 770 Td 18 TL\n"
    for line in lines:
        text += b"(" + _escape(line) + b") Tj T*\n"
    text += b"ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]


def certificate_pdf(lines: list[str]) -> bytes:
    return build_pdf(page_objects(lines))
