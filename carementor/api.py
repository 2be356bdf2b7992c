"""The one JSON API, mounted at /api/v1/, with a router per app."""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from carementor.accounts.api import router as accounts_router
from carementor.accounts.api_auth import SessionAuth, TokenAuth
from carementor.certificates.api import router as certificates_router
from carementor.communities.api import router as communities_router
from carementor.communities.api import safeguards_router
from carementor.credentials.api import router as credentials_router
from carementor.evaluations.api import router as evaluations_router
from carementor.golive.api import router as golive_router
from carementor.insights.api import organization_router as insights_org_router
from carementor.insights.api import router as insights_router
from carementor.integrations.api import router as integrations_router
from carementor.integrations.calendar_api import router as calendars_router
from carementor.integrations.fhir_api import router as fhir_router
from carementor.learning.api import router as learning_router
from carementor.lib.api_errors import ErrorOut, document_common_errors
from carementor.lib.api_parser import StrictParser
from carementor.lib.errors import DomainError, too_big_message
from carementor.lib.middleware import unavailable_response
from carementor.logbooks.api import router as logbooks_router
from carementor.mentorships.api import router as mentorships_router
from carementor.network.api import router as network_router
from carementor.notifications.api import router as notifications_router
from carementor.organizations.api import router as organizations_router
from carementor.privacy.api import router as privacy_router
from carementor.profiles.api import router as profiles_router
from carementor.programs.api import router as programs_router
from carementor.sso.api import router as sso_router
from carementor.wellbeing.api import router as wellbeing_router


class CareMentorAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_common_errors(super().get_openapi_schema(**kwargs))


api = CareMentorAPI(
    title="CareMentor API",
    version="1",
    description=(
        "Mentoring and coaching for healthcare professionals. Authenticate with the session "
        "cookie (send the CSRF token on writes) or with a personal access token as "
        "`Authorization: Bearer cm_…`. Every error has the shape "
        '`{"detail": str, "code": str, "errors": [...]}`.'
    ),
    auth=[TokenAuth(), SessionAuth()],
    parser=StrictParser(),
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("/", accounts_router)
api.add_router("/", profiles_router)
api.add_router("/", privacy_router)
api.add_router("/organizations", organizations_router)
api.add_router("/credentials", credentials_router)
api.add_router("/programs", programs_router)
api.add_router("/programs", insights_router)
api.add_router("/organizations", insights_org_router)
api.add_router("/mentorships", mentorships_router)
api.add_router("/notifications", notifications_router)
api.add_router("/evaluations", evaluations_router)
api.add_router("/learning", learning_router)
api.add_router("/certificates", certificates_router)
api.add_router("/communities", communities_router)
api.add_router("/safeguards", safeguards_router)
api.add_router("/", network_router)
api.add_router("/wellbeing", wellbeing_router)
api.add_router("/integrations", integrations_router)
api.add_router("/logbooks", logbooks_router)
api.add_router("/golive", golive_router)
api.add_router("/fhir", fhir_router)
api.add_router("/calendars", calendars_router)
api.add_router("/organizations", sso_router)


def _error(
    request: HttpRequest, status: int, detail: str, code: str, errors: list[Any] | None = None
) -> HttpResponse:
    body = ErrorOut(detail=detail, code=code, errors=errors or [])
    return api.create_response(request, body.model_dump(), status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code, exc.errors)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": str(err.get("msg", ""))}
        for err in exc.errors
    ]
    return _error(request, 422, _("The request is not valid."), "invalid", errors)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[Any]
    if hasattr(exc, "message_dict"):
        errors = [
            {"loc": [field], "msg": " ".join(msgs)} for field, msgs in exc.message_dict.items()
        ]
    else:
        errors = [{"loc": [], "msg": msg} for msg in exc.messages]
    return _error(request, 422, _("The request is not valid."), "invalid", errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication required."), "unauthenticated")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("You may not do this."), "forbidden")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, too_big_message(), "too_large")


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many fields, a malformed multipart body (no boundary), a bad header.
    return _error(request, 400, _("The request could not be read."), "bad_request")


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(request, 400, _("The multipart form data could not be read."), "bad_request")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja turns anything the body parser raises into "400 Cannot parse request body"; the
    # cause says what really happened.
    cause = exc.__cause__
    if isinstance(cause, DomainError):
        return on_domain_error(request, cause)
    if isinstance(cause, NinjaValidationError):
        return on_validation_error(request, cause)
    if exc.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."), "parse_error")
    return _error(request, exc.status_code, str(exc), "error")


def on_database_unavailable(request: HttpRequest, exc: Any) -> HttpResponse:
    """The database cannot be reached: 503 with Retry-After, in the API's error shape."""
    return unavailable_response(request)


api.add_exception_handler(OperationalError, on_database_unavailable)
api.add_exception_handler(InterfaceError, on_database_unavailable)
