"""The one JSON API, mounted at /api/v1/, with a router per app."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from carementor.accounts.api import router as accounts_router
from carementor.accounts.api_auth import SessionAuth, TokenAuth
from carementor.certificates.api import router as certificates_router
from carementor.credentials.api import router as credentials_router
from carementor.evaluations.api import router as evaluations_router
from carementor.learning.api import router as learning_router
from carementor.lib.api_errors import ApiError, ErrorOut
from carementor.mentorships.api import router as mentorships_router
from carementor.notifications.api import router as notifications_router
from carementor.organizations.api import router as organizations_router
from carementor.profiles.api import router as profiles_router
from carementor.programs.api import router as programs_router

api = NinjaAPI(
    title="CareMentor API",
    version="1",
    description=(
        "Mentoring and coaching for healthcare professionals. Authenticate with the session "
        "cookie (send the CSRF token on writes) or with a personal access token as "
        "`Authorization: Bearer cm_…`. Every error has the shape "
        '`{"detail": str, "code": str, "errors": [...]}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("/", accounts_router)
api.add_router("/", profiles_router)
api.add_router("/organizations", organizations_router)
api.add_router("/credentials", credentials_router)
api.add_router("/programs", programs_router)
api.add_router("/mentorships", mentorships_router)
api.add_router("/notifications", notifications_router)
api.add_router("/evaluations", evaluations_router)
api.add_router("/learning", learning_router)
api.add_router("/certificates", certificates_router)


def _error(
    request: HttpRequest, status: int, detail: str, code: str, errors: list[Any] | None = None
) -> HttpResponse:
    body = ErrorOut(detail=detail, code=code, errors=errors or [])
    return api.create_response(request, body.model_dump(), status=status)


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.detail, exc.code, exc.errors)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": str(err.get("msg", ""))}
        for err in exc.errors
    ]
    return _error(request, 422, "The request is not valid.", "invalid", errors)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[Any]
    if hasattr(exc, "message_dict"):
        errors = [
            {"loc": [field], "msg": " ".join(msgs)} for field, msgs in exc.message_dict.items()
        ]
    else:
        errors = [{"loc": [], "msg": msg} for msg in exc.messages]
    return _error(request, 422, "The request is not valid.", "invalid", errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required.", "unauthenticated")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do this.", "forbidden")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), "error")
