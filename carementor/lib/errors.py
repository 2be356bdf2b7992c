"""The one domain error: services and gates raise it, pages and the API answer it."""

from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused request or state change.

    ``message`` is for people (translated), ``status`` the HTTP status pages and the API answer
    with, ``code`` a stable machine-readable word, ``errors`` optional field errors in the
    API's shape (``{"loc": [...], "msg": ...}``). Each app subclasses it with its defaults.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 409,
        code: str = "conflict",
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.errors = errors or []


def too_big_message() -> str:
    """What a 413 says: the limit, in the units people read."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("The request is too large: send at most %(size)s.") % {"size": filesizeformat(limit)}
