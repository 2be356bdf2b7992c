"""The public side: looking a code up, and a per-address rate limit shared by page and API."""

import re

from django.core.cache import cache
from django.http import HttpRequest

from carementor.audit.services import client_ip, record
from carementor.certificates.models import CERTIFICATE_CODE_LENGTH, Certificate

VERIFY_LIMIT = 30  # look-ups per address per window
VERIFY_WINDOW_SECONDS = 60
_CODE = re.compile(rf"^[a-z0-9]{{{CERTIFICATE_CODE_LENGTH}}}$")


def allow_lookup(request: HttpRequest) -> bool:
    """Count this look-up against the caller's address; False once over the limit."""
    key = f"certificates:verify:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=VERIFY_WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=VERIFY_WINDOW_SECONDS)
        count = 1
    return count <= VERIFY_LIMIT


def find(code: str, request: HttpRequest | None = None) -> Certificate | None:
    """The certificate with this code, or None. Codes are compared case-insensitively so a
    code typed from paper works; anything not shaped like a code never reaches the database."""
    code = code.strip().lower()
    if not _CODE.match(code):
        return None
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is not None:
        # Lightly audited: which certificate was checked and from where, nothing else.
        record(
            None,
            "certificate.verified",
            certificate,
            organization=certificate.organization,
            request=request,
            detail={"status": certificate.status},
        )
    return certificate
