"""Data rights in the API: my export, my erasure (with the password again), its cancellation."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from carementor.accounts.models import User
from carementor.lib.api_errors import AUTH_ERRORS, ApiError, ErrorOut
from carementor.privacy.models import DataExport, ErasureRequest
from carementor.privacy.services import erasure_cancel, erasure_request, export_request

router = Router(tags=["privacy"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class ExportOut(Schema):
    code: str
    status: str = Field(description="pending, ready, failed or expired")
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size: int
    download_url: str | None = Field(
        description="While ready: the page that downloads the ZIP (with the session)."
    )

    @staticmethod
    def resolve_download_url(obj: DataExport) -> str | None:
        if not obj.is_downloadable():
            return None
        return reverse("privacy:export_download", args=[obj.code])


class ErasureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=200, description="Your password, again.")


class ErasureOut(Schema):
    code: str
    requested_at: datetime
    scheduled_for: datetime
    cancelled_at: datetime | None
    completed_at: datetime | None
    legal_hold: bool


@router.post(
    "/me/export",
    response={202: ExportOut, **AUTH_ERRORS, 409: ErrorOut},
    summary="Ask for an export of my data",
    description="The ZIP is built in the background; a link is e-mailed when it is ready.",
)
def me_export_create(request: HttpRequest) -> Status[Any]:
    user = _user(request)
    export = export_request(user, requested_by=user, request=request)
    return Status(202, export)


@router.get(
    "/me/export",
    response={200: list[ExportOut], **AUTH_ERRORS},
    summary="My data exports, newest first (the last ten)",
)
def me_export_list(request: HttpRequest) -> Any:
    return list(DataExport.objects.filter(user=_user(request))[:10])


@router.post(
    "/me/erasure",
    response={202: ErasureOut, **AUTH_ERRORS, 422: ErrorOut},
    summary="Ask for my account to be erased",
    description="Needs the password again. The erasure happens after a grace period and "
    "can be cancelled until then.",
)
def me_erasure_create(request: HttpRequest, payload: ErasureIn) -> Status[Any]:
    user = _user(request)
    if not user.check_password(payload.password):
        raise ApiError(422, _("That is not your password."), "wrong_password")
    return Status(202, erasure_request(user, requested_by=user, request=request))


@router.post(
    "/me/erasure/cancel",
    response={200: ErasureOut, **AUTH_ERRORS, 404: ErrorOut},
    summary="Cancel the erasure of my account",
)
def me_erasure_cancel(request: HttpRequest) -> Any:
    user = _user(request)
    erasure = ErasureRequest.objects.open().filter(user=user).first()
    if erasure is None:
        raise ApiError(404, _("There is no erasure to cancel."), "not_found")
    return erasure_cancel(erasure, actor=user, request=request)
