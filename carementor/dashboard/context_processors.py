from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from carementor.organizations.context import layout_membership


def current_organization(request: HttpRequest) -> dict[str, Any]:
    """The organization the person is working in, evaluated only if the page uses it
    (cached per person; see organizations.context.layout_membership). It lives
    here, at the top of the app stack, because lib must not import organizations."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return {"current_membership": SimpleLazyObject(lambda: layout_membership(request))}
    return {}
