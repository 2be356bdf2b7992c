from typing import Any

from django.conf import settings
from django.http import HttpRequest


def layout(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the CSP nonce for django-htmx and the site name (the
    current organization comes from carementor.dashboard.context_processors)."""
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "SITE_NAME": settings.SITE_NAME,
    }
