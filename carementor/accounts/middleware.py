import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from carementor.accounts.mfa import idp_asserted_mfa, mfa_exempt_path, privileged_without_mfa


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
        try:
            return self.get_response(request)
        finally:
            # The zone is the request's, not the thread's: code that runs next in this thread
            # (a test, a task in an in-process worker) must see the server's zone again.
            timezone.deactivate()


class UserLanguageMiddleware:
    """Show pages in the interface language the person saved in their account settings.

    The language switcher's cookie still wins, so switching works at once in this browser;
    the saved choice applies wherever the person signs in without that cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.language in dict(settings.LANGUAGES)
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequireMFAForPrivilegedMiddleware:
    """Coordinators, reviewers, organization admins and staff must enrol in MFA first.

    Until they do, every page except the account pages sends them to enrol, and every API
    operation answers 403 with code ``mfa_required``. Token-authenticated API calls are
    checked by ``api_auth`` because the token is only read inside the API. A session whose
    sign-in the organization's identity provider asserted as multi-factor (single sign-on,
    ``accounts.mfa.IDP_MFA_SESSION_KEY``) has done its MFA there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            not mfa_exempt_path(path)
            and privileged_without_mfa(request.user)
            and not idp_asserted_mfa(request)
        ):
            if path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Your role requires two-factor authentication. Enrol first."),
                        "code": "mfa_required",
                        "errors": [],
                    },
                    status=403,
                )
            if request.headers.get("HX-Request") == "true":
                # A plain redirect would swap the enrolment page into a fragment.
                return HttpResponseClientRedirect(reverse("mfa_required"))
            return redirect("mfa_required")
        return self.get_response(request)
