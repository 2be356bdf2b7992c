import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.mfa import privileged_without_mfa

# Pages a privileged person without MFA may still open: enrolment itself, leaving, static.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/", "/i18n/", "/api/v1/me")


class UserTimezoneMiddleware:
    """Show every time in the signed-in person's own timezone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class RequireMFAForPrivilegedMiddleware:
    """Coordinators, reviewers, organization admins and staff must enrol in MFA first.

    Until they do, every page except the account pages sends them to enrol, and every API
    operation answers 403 with code ``mfa_required``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if not path.startswith(MFA_EXEMPT_PREFIXES) and privileged_without_mfa(request.user):
            if path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Your role requires two-factor authentication. Enrol first."),
                        "code": "mfa_required",
                    },
                    status=403,
                )
            return redirect("mfa_required")
        return self.get_response(request)
