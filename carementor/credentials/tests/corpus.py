"""A corpus of malformed and hostile files, generated in code (no binary fixtures)."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image

from carementor.credentials.sample_documents import build_pdf, certificate_pdf, page_objects
from carementor.credentials.uploads import MAX_BYTES


@dataclass(frozen=True)
class Hostile:
    id: str
    name: str
    data: bytes
    status: int
    code: str


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def jpeg(comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG", comment=comment)
    return out.getvalue()


def pdf() -> bytes:
    return certificate_pdf(["Nursing and Midwifery Council", "PIN 12A3456E"])


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def pixel_flood_png() -> bytes:
    """A few hundred bytes that claim to be a 100,000 by 100,000 image."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes], comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.comment = comment
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with(catalog_extra: bytes = b"", *extra_objects: bytes, page_extra: bytes = b"") -> bytes:
    objects = page_objects(["Certificate"], catalog_extra=catalog_extra)
    if page_extra:
        objects[2] = objects[2].replace(b"/Contents 5 0 R", b"/Contents 5 0 R " + page_extra)
    return build_pdf(objects + list(extra_objects))


def pdf_with_js_in_object_stream() -> bytes:
    """JavaScript hidden in a compressed object stream, reachable only via an xref stream."""
    hidden = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"6 0 "
    objstm = zlib.compress(header + hidden)
    objects = page_objects(["Certificate"], catalog_extra=b"/OpenAction 6 0 R ")
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets.append(len(out))  # object 7: the object stream
    out += (
        b"7 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(objstm))
        + objstm
        + b"\nendstream\nendobj\n"
    )
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IB", 0, 255)]
    rows += [b"\x01" + struct.pack(">IB", offset, 0) for offset in offsets[:5]]
    rows += [b"\x02" + struct.pack(">IB", 7, 0)]  # object 6 lives in stream 7 at index 0
    rows += [b"\x01" + struct.pack(">IB", offsets[5], 0)]
    rows += [b"\x01" + struct.pack(">IB", xref_at, 0)]
    table = b"".join(rows)
    out += (
        b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return bytes(out)


def corpus() -> list[Hostile]:
    valid_pdf, valid_png, valid_jpeg = pdf(), png(), jpeg()
    js_action = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    return [
        Hostile("empty", "certificate.pdf", b"", 422, "empty"),
        Hostile("oversized", "certificate.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES, 413, "too_large"),
        Hostile("png-named-pdf", "certificate.pdf", valid_png, 422, "type_mismatch"),
        Hostile("pdf-named-png", "certificate.png", valid_pdf, 422, "type_mismatch"),
        Hostile("jpeg-named-png", "photo.png", valid_jpeg, 422, "type_mismatch"),
        Hostile("windows-exe", "setup.exe", b"MZ\x90\x00" + b"\x00" * 200, 422, "bad_type"),
        Hostile(
            "exe-named-pdf", "certificate.pdf", b"MZ\x90\x00" + b"\x00" * 200, 422, "bad_content"
        ),
        Hostile(
            "html-named-pdf",
            "certificate.pdf",
            b"<!doctype html><html><script>alert(document.cookie)</script></html>",
            422,
            "bad_content",
        ),
        Hostile(
            "svg-script-named-png",
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            422,
            "bad_content",
        ),
        Hostile("svg", "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', 422, "bad_type"),
        Hostile("no-extension", "certificate", valid_pdf, 422, "bad_type"),
        Hostile(
            "gif-named-png", "scan.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 422, "bad_content"
        ),
        Hostile(
            "pdf-openaction-javascript",
            "certificate.pdf",
            pdf_with(b"/OpenAction 6 0 R ", js_action),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-names-javascript",
            "certificate.pdf",
            pdf_with(b"/Names << /JavaScript 6 0 R >> ", b"<< /Names [(a) 7 0 R] >>", js_action),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-launch",
            "certificate.pdf",
            pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >> "),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-embedded-file",
            "certificate.pdf",
            pdf_with(
                b"/Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >> ",
                b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>",
                b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
            ),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-page-auto-action",
            "certificate.pdf",
            pdf_with(b"", page_extra=b"/AA << /O 6 0 R >>"),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-hex-escaped-javascript",
            "certificate.pdf",
            pdf_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> "),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-richmedia",
            "certificate.pdf",
            pdf_with(
                b"",
                b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",
                page_extra=b"/Annots [6 0 R]",
            ),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-javascript-uri",
            "certificate.pdf",
            pdf_with(b"/OpenAction << /S /URI /URI (javascript:alert\\(1\\)) >> "),
            422,
            "active_content",
        ),
        Hostile(
            "pdf-javascript-in-object-stream",
            "certificate.pdf",
            pdf_with_js_in_object_stream(),
            422,
            "active_content",
        ),
        Hostile("pdf-encrypted", "certificate.pdf", encrypted_pdf(), 422, "encrypted"),
        Hostile(
            "pdf-truncated", "certificate.pdf", valid_pdf[: len(valid_pdf) // 2], 422, "corrupt"
        ),
        Hostile(
            "pdf-corrupt",
            "certificate.pdf",
            b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n",
            422,
            "corrupt",
        ),
        Hostile(
            "polyglot-pdf-zip",
            "certificate.pdf",
            valid_pdf + zip_bytes({"payload.js": b"alert(1)"}, comment=b"\n%%EOF\n"),
            422,
            "polyglot",
        ),
        Hostile(
            "polyglot-png-zip",
            "scan.png",
            valid_png + zip_bytes({"payload.js": b"alert(1)"}),
            422,
            "polyglot",
        ),
        Hostile(
            "jpeg-with-script-comment",
            "photo.jpg",
            jpeg(b"<script>alert(1)</script>"),
            422,
            "active_content",
        ),
        Hostile(
            "zip-bomb-named-pdf",
            "certificate.pdf",
            zip_bytes({f"layer{i}.bin": b"\x00" * 2_000_000 for i in range(4)}),
            422,
            "bad_content",
        ),
        Hostile("pixel-flood", "scan.png", pixel_flood_png(), 422, "too_many_pixels"),
        Hostile("png-truncated", "scan.png", valid_png[: len(valid_png) - 20], 422, "corrupt"),
        Hostile("jpeg-truncated", "photo.jpg", valid_jpeg[: len(valid_jpeg) // 2], 422, "corrupt"),
        Hostile("long-name", "a" * 200 + ".pdf", valid_pdf, 422, "bad_name"),
        Hostile("dot-dot-in-name", "..%2F..%2Fetc%2Fpasswd.pdf", valid_pdf, 422, "bad_name"),
    ]


# Names Django itself would rewrite; our pages refuse them (tested on the page views).
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\cert.pdf",
    "/etc/cron.d/cert.pdf",
    "cert\x00.pdf",
    "cert\r\nX-Injected: yes.pdf",
    "invoice\u202efdp.pdf",
    "cert\u200b.pdf",
]
