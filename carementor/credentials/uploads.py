"""Inspecting uploaded evidence before anything is stored.

Only PDF, PNG and JPEG up to 10 MB are accepted. The bytes decide the type (never the
browser's Content-Type), and the name's extension must agree with them. PDFs are parsed and
every object is walked for active content; images are opened with pixel limits, verified,
then decoded in full. Anything odd is refused with a message a person can act on.
"""

import hashlib
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from carementor.lib.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 150
MAX_PIXELS = 40_000_000  # a 40-megapixel scan is plenty for a certificate
MAX_SIDE = 20_000
MAX_PDF_PAGES = 300
MAX_PDF_OBJECTS = 50_000

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}

# Names that make a PDF do something when opened, or carry other files.
FORBIDDEN_PDF_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/AA",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/GoToR",
    }
)
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_STREAM_DATA = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body)[\s>/]|<\?php|javascript:", re.IGNORECASE
)

logger = logging.getLogger(__name__)


class UploadRejected(DomainError):
    """The upload is refused. ``message`` is shown to the person; nothing has been stored."""

    def __init__(self, message: str, *, status: int = 422, code: str = "invalid_file") -> None:
        super().__init__(message, status=status, code=code)


@dataclass(frozen=True)
class InspectedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str
    pages: int | None

    @property
    def size(self) -> int:
        return len(self.data)


def read_upload(upload: UploadedFile) -> bytes:
    """Read at most MAX_BYTES + 1 bytes, refusing larger files before reading them."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise UploadRejected(_too_large(), status=413, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadRejected(_too_large(), status=413, code="too_large")
    return data


def _too_large() -> str:
    return _("The file is larger than 10 MB. Scan at a lower resolution or split the document.")


def check_name(name: str) -> str:
    """Return the name if it is safe to show and to offer as a download name."""
    if not name or not name.strip():
        raise UploadRejected(_("The file has no name."), code="bad_name")
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRejected(
            _("The file name is too long (150 characters at most)."), code="bad_name"
        )
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"} for ch in name):
        raise UploadRejected(
            _("The file name contains control or invisible characters. Rename the file."),
            code="bad_name",
        )
    if "/" in name or "\\" in name or ".." in name or ":" in name or name.startswith("."):
        raise UploadRejected(
            _("The file name contains path characters (/ \\ : ..). Rename the file."),
            code="bad_name",
        )
    return name.strip()


def expected_type(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = EXTENSIONS.get(suffix)
    if content_type is None:
        raise UploadRejected(
            _("Only PDF, PNG and JPEG files are accepted (.pdf, .png, .jpg, .jpeg)."),
            code="bad_type",
        )
    return content_type


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def inspect_upload(name: str, data: bytes) -> InspectedFile:
    """Check everything; raise UploadRejected with a clear message or return the clean file."""
    name = check_name(name)
    declared = expected_type(name)
    if not data:
        raise UploadRejected(
            _("The file is empty (0 bytes). Choose the document again."), code="empty"
        )
    if len(data) > MAX_BYTES:
        raise UploadRejected(_too_large(), status=413, code="too_large")
    actual = sniff(data)
    if actual is None:
        raise UploadRejected(
            _("The file's content is not a PDF, PNG or JPEG, whatever its name says."),
            code="bad_content",
        )
    if actual != declared:
        raise UploadRejected(
            _(
                "The file's name says %(declared)s but its content is %(actual)s. Rename or re-export it."
            )
            % {"declared": _label(declared), "actual": _label(actual)},
            code="type_mismatch",
        )
    if _is_zip(data):
        raise UploadRejected(
            _("The file also contains a ZIP archive (a polyglot file). Upload a plain document."),
            code="polyglot",
        )
    if _MARKUP.search(data):
        raise UploadRejected(
            _("The file contains web page or script content. Upload a plain document."),
            code="active_content",
        )
    pages = _check_pdf(data) if actual == PDF else None
    if actual in (PNG, JPEG):
        _check_image(data, "PNG" if actual == PNG else "JPEG")
    return InspectedFile(
        name=name,
        content_type=actual,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
    )


def _label(content_type: str) -> str:
    return {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}[content_type]


def _is_zip(data: bytes) -> bool:
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:  # pragma: no cover - is_zipfile swallows its own errors
        return True


# --- PDF ---------------------------------------------------------------------------------


def _corrupt_pdf() -> UploadRejected:
    return UploadRejected(
        _("The PDF is damaged or incomplete. Export or scan it again and upload the new file."),
        code="corrupt",
    )


def _active_pdf() -> UploadRejected:
    return UploadRejected(
        _(
            "The PDF contains scripts, actions, attachments or forms that run on opening. "
            "Print it to a new PDF (or scan it) and upload that."
        ),
        code="active_content",
    )


def _decode_name(raw: bytes) -> str:
    # PDF names may hide letters as #xx (e.g. /J#61vaScript); decode before comparing.
    text = raw.decode("latin-1")
    return re.sub(r"#([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def _check_pdf(data: bytes) -> int:
    tail = data[-1024:].rstrip(b"\r\n\t \x00")
    if not tail.endswith(b"%%EOF"):
        raise _corrupt_pdf()
    # Stream data is binary (often compressed) and could spell a name by chance; the
    # object walk below sees inside object streams, this scan sees what the xref hides.
    structure = _STREAM_DATA.sub(b"stream endstream", data)
    if b"/Encrypt" in structure:
        raise UploadRejected(
            _("The PDF is encrypted or password-protected. Upload an unprotected copy."),
            code="encrypted",
        )
    for match in _PDF_NAME.finditer(structure):
        if _decode_name(match.group()) in FORBIDDEN_PDF_NAMES:
            raise _active_pdf()

    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    pypdf_logger = logging.getLogger("pypdf")
    previous_level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(
                    _("The PDF is encrypted or password-protected. Upload an unprotected copy."),
                    code="encrypted",
                )
            references: list[tuple[int, int]] = [
                (idnum, generation)
                for generation, entries in reader.xref.items()
                for idnum in entries
            ]
            references += [(idnum, 0) for idnum in reader.xref_objStm]
            if len(references) > MAX_PDF_OBJECTS:
                raise UploadRejected(
                    _("The PDF has too many objects to check safely."), code="too_complex"
                )
            for idnum, generation in references:
                _walk_pdf_object(reader.get_object(IndirectObject(idnum, generation, reader)))
            _check_open_action(reader.trailer["/Root"].get_object())
            pages = len(reader.pages)
    except UploadRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of error for broken files
        logger.info("PDF rejected as corrupt: %s", exc.__class__.__name__)
        raise _corrupt_pdf() from exc
    finally:
        pypdf_logger.setLevel(previous_level)
    if pages < 1:
        raise _corrupt_pdf()
    if pages > MAX_PDF_PAGES:
        raise UploadRejected(_("The PDF has more than 300 pages."), code="too_complex")
    return pages


def _walk_pdf_object(obj: Any, depth: int = 0) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if depth > 64:
        raise _corrupt_pdf()
    if isinstance(obj, NameObject):
        if str(obj) in FORBIDDEN_PDF_NAMES:
            raise _active_pdf()
    elif isinstance(obj, DictionaryObject):  # streams are dictionaries too; data is not decoded
        for key, value in obj.items():
            if str(key) in FORBIDDEN_PDF_NAMES:
                raise _active_pdf()
            _walk_pdf_object(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _walk_pdf_object(item, depth + 1)


def _check_open_action(root: Any) -> None:
    from pypdf.generic import DictionaryObject

    action = root.get("/OpenAction")
    if action is None:
        return
    action = action.get_object()
    # A destination array (open at page N) is harmless; any action other than GoTo is not.
    if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
        raise _active_pdf()


# --- Images ------------------------------------------------------------------------------


def _check_image(data: bytes, fmt: str) -> None:
    from PIL import Image

    broken = UploadRejected(
        _("The image is damaged or incomplete. Take or export the picture again."),
        code="corrupt",
    )
    flood = UploadRejected(
        _("The image is too large in pixels (40 megapixels at most). Scan at a lower resolution."),
        code="too_many_pixels",
    )
    if fmt == "PNG" and not data.endswith(b"IEND\xaeB`\x82"):
        # Bytes after the end chunk are how polyglots hide a second file.
        raise broken
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise flood
                image.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise flood from exc
    except Exception as exc:  # Pillow signals broken files with many exception types
        raise broken from exc
