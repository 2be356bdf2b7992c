"""Middleware for every request: request ids, database outages, control characters in URLs,
services' refusals on pages."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from carementor.lib.request_id import new_request_id, set_request_id
from carementor.lib.text import has_control

log = logging.getLogger("carementor.unavailable")
log_refusal = logging.getLogger("carementor.refused")

DATABASE_ERRORS = (OperationalError, InterfaceError)


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), logs under it and sends it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed, so Django's own "Not Found"/"Internal Server
        # Error" lines, written after the middleware returns, carry it too.
        set_request_id(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    set_request_id("-")


request_finished.connect(_forget_request_id, dispatch_uid="carementor.forget_request_id")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error shape under /api/, a page for people.

    Rendered without the request context: context processors and the session need the
    database that just failed."""
    retry_after = str(settings.CAREMENTOR_RETRY_AFTER_SECONDS)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The service is briefly unavailable. Please try again shortly."),
                "code": "unavailable",
                "errors": [],
            },
            status=503,
        )
    else:
        html = loader.get_template("errors/503.html").render({"retry_after": retry_after})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 with Retry-After, never 500.

    Views' errors arrive in ``process_exception``; errors raised by inner middleware (the
    session, authentication) are turned into responses by Django before they get here, so
    ``carementor.views.server_error`` makes the same answer for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        log.warning("database unavailable: %s", type(exception).__name__)
        return unavailable_response(request)


class RefuseControlCharactersMiddleware:
    """A NUL in a path (``/credentials/ab%00cd``) names nothing: 404. A control character in
    a page's query string is a malformed request: 400. PostgreSQL would refuse both with an
    error (a 500). The API checks its own query strings, field by field (422)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: object) -> None:
        if has_control(request.path):
            raise Http404
        if not request.path.startswith("/api/") and any(
            has_control(key) or has_control(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest


def _domain_headings() -> dict[int, str]:
    return {
        400: _("That request could not be read"),
        403: _("You can’t do that here"),
        404: _("We couldn’t find that"),
        409: _("That can’t be done right now"),
        413: _("That was too large to send"),
        422: _("That could not be done"),
        429: _("Too many attempts"),
    }


class DomainErrorMiddleware:
    """A service's refusal (``DomainError``) that a page view did not catch is answered with
    the status page, its status and its message, never a 500. The API answers it itself
    (``carementor.api``), in its error shape — and a method the path does not take (for
    example ``PATCH /api/v1/programs/templates``, a code spelling another route) is a 405 in
    that shape too, not django-ninja's bare ``detail``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            allowed = response.get("Allow", "")
            response = JsonResponse(
                {
                    "detail": _("This address does not take that method."),
                    "code": "method_not_allowed",
                    "errors": [],
                },
                status=405,
                content_type="application/json; charset=utf-8",
            )
            if allowed:
                response["Allow"] = allowed
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from carementor.lib.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        status = exception.status if 400 <= exception.status < 600 else 409
        log_refusal.info("refused %s: %s (%s)", request.path, exception.code, status)
        context = {
            "heading": _domain_headings().get(status, _("That could not be done")),
            "message": exception.message,
            "status": status,
        }
        return render(request, "errors/domain.html", context, status=status)
