from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def layout(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the CSP nonce for django-htmx, the site name, and the
    organization the person is working in (evaluated only if the page uses it)."""
    context: dict[str, Any] = {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "SITE_NAME": settings.SITE_NAME,
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from carementor.organizations.context import current_membership

        context["current_membership"] = SimpleLazyObject(lambda: current_membership(request))
    return context
