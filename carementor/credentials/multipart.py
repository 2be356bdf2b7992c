"""Strict parsing of evidence uploads on our own pages.

Django quietly rewrites hostile file names (``../../x.pdf`` becomes ``x.pdf``, control
characters vanish). That keeps paths safe, but we want the person told and the upload
refused, so these views parse the body themselves, remember every name Django would have
changed, and skip the bytes of any file over the size limit while they arrive.
"""

import html
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from carementor.credentials.uploads import MAX_BYTES, UploadRejected


class _NameRecordingParser(MultiPartParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.altered_names: list[str] = []

    def sanitize_file_name(self, file_name: str) -> str | None:
        safe = super().sanitize_file_name(file_name)
        if safe != html.unescape(file_name):
            self.altered_names.append(file_name)
        return safe


class _SizeLimitHandler(FileUploadHandler):
    """Stop receiving a file as soon as it passes the limit (the rest is discarded)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_BYTES:
            self.request.oversized_upload = True  # type: ignore[union-attr]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def strict_uploads(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        request.oversized_upload = False  # type: ignore[attr-defined]
        request.altered_upload_names = []  # type: ignore[attr-defined]
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.upload_handlers.insert(0, _SizeLimitHandler(request))
            parser = _NameRecordingParser(
                request.META, request, request.upload_handlers, request.encoding
            )
            # Parsed here, before the CSRF check reads request.POST (csrf_protect below).
            request._post, request._files = parser.parse()  # type: ignore[attr-defined]
            request.altered_upload_names = parser.altered_names  # type: ignore[attr-defined]
        return protected(request, *args, **kwargs)

    return wrapper


def upload_problem(request: HttpRequest) -> UploadRejected | None:
    """What was wrong with the raw upload, before any form sees it."""
    if getattr(request, "oversized_upload", False):
        return UploadRejected(
            _("The file is larger than 10 MB. Scan at a lower resolution or split the document."),
            status=413,
            code="too_large",
        )
    if getattr(request, "altered_upload_names", []):
        return UploadRejected(
            _(
                "The file name contains path characters (/ \\ ..) or control characters. "
                "Rename the file and upload it again."
            ),
            code="bad_name",
        )
    return None
