"""Reading a file from an address someone gave us (HR feeds, calendars), within bounds.

HTTPS only (plain HTTP to this machine only where webhooks allow loopback, i.e. development
and tests), no redirects, a timeout, a size limit, and private or loopback addresses refused
before any request, exactly as webhook deliveries are.
"""

import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from carementor.integrations.webhooks import _allow_loopback, _NoRedirect, _refuse_private_address
from carementor.lib.errors import DomainError

TIMEOUT_SECONDS = 10


class FetchError(DomainError):
    """The address could not be read; ``message`` says why, for people."""

    def __init__(self, message: str, *, status: int = 502, code: str = "unreachable") -> None:
        super().__init__(message, status=status, code=code)


def is_allowed_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and loopback and _allow_loopback()


def fetch(url: str, *, max_bytes: int, user_agent: str) -> bytes:
    if not is_allowed_url(url):
        raise FetchError(_("Use an https:// address."), status=422, code="invalid_url")
    try:
        _refuse_private_address(url)
        request = urllib.request.Request(  # noqa: S310 - is_allowed_url admitted http(s) only
            url.strip(), headers={"User-Agent": user_agent, "Accept": "*/*"}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            declared = response.headers.get("Content-Length")
            too_big = bool(declared and declared.isdigit() and int(declared) > max_bytes)
            content = b"" if too_big else response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(_("The address answered %(status)d.") % {"status": exc.code}) from exc
    except (OSError, ValueError) as exc:
        reason: Any = getattr(exc, "reason", exc)
        raise FetchError(
            _("The address could not be reached: %(error)s") % {"error": str(reason)[:200]}
        ) from exc
    if too_big or len(content) > max_bytes:
        raise FetchError(
            _("The file is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)},
            status=413,
            code="too_large",
        )
    return content
