import functools
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from carementor.lib.errors import too_big_message
from carementor.lib.middleware import is_database_outage, unavailable_response
from carementor.ops.readiness import readiness


@functools.cache
def _favicon_bytes() -> bytes:
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_GET
@cache_control(max_age=7 * 24 * 60 * 60, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links; pages link the
    hashed static copy, this answers the rest instead of a 404."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It asks nothing else, so a database outage never makes
    an orchestrator restart healthy web nodes; readiness is /ready/."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, cache, storage and task queue each answer (503 if one fails)."""
    checks = readiness()
    ok = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, detail: str, code: str) -> JsonResponse:
    """The API's one error shape, for errors Django answers before or around ninja."""
    return JsonResponse(
        {"detail": detail, "code": code, "errors": []},
        status=status,
        content_type="application/json; charset=utf-8",
    )


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with "400"; it is a 413.
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return _api_error(413, too_big_message(), "too_large")
        return render(request, "errors/413.html", {"message": too_big_message()}, status=413)
    if _is_api(request):
        return _api_error(400, _("The request could not be read."), "bad_request")
    return render(request, "errors/400.html", status=400)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403, _("You may not do this."), "forbidden")
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, _("Not found."), "not_found")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database outage anywhere (a middleware's session or user look-up included) is a 503.
    if is_database_outage(sys.exc_info()[1]):
        return unavailable_response(request)
    if _is_api(request):
        return _api_error(500, _("Something went wrong on our side."), "server_error")
    # Rendered without a request context: the failure may be in a context processor.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def raise_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Deliberate error to preview the 500 page.")
