"""The person's own account in the API: who am I, my settings, my API tokens."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict, field_validator

from carementor.accounts.forms import MAX_TOKEN_DAYS
from carementor.accounts.mfa import has_mfa
from carementor.accounts.models import PersonalAccessToken, User
from carementor.accounts.permissions import get_token_for
from carementor.accounts.services import account_update, token_create, token_revoke
from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, ApiError, ErrorOut
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.lib.text import Name
from carementor.lib.timezones import validate_timezone
from carementor.organizations.models import Membership

router = Router(tags=["accounts"])


def _user(request: HttpRequest) -> User:
    # Every operation here sits behind the API's authentication, so the user is real.
    user = request.user
    assert isinstance(user, User)
    return user


# --- Me ----------------------------------------------------------------------------------


class AccountOrganizationOut(Schema):
    code: str
    name: str
    slug: str
    roles: list[str]


class MeOut(Schema):
    code: str
    email: str
    full_name: str
    preferred_name: str = Field(description="The name greetings use; empty means the given name.")
    greeting_name: str = Field(description="The name greetings and menus use now.")
    timezone: str
    language: str = Field(description="Interface language; empty means the browser's.")
    has_mfa: bool
    is_staff: bool
    organizations: list[AccountOrganizationOut]


class MePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    full_name: Name | None = Field(None, max_length=150)
    preferred_name: Name | None = Field(
        None, max_length=60, description="The name to greet you by; empty for your given name."
    )
    timezone: str | None = Field(None, description="An IANA timezone, e.g. Asia/Kolkata.")
    language: str | None = Field(None, description="A language code from the interface's list.")

    @field_validator("full_name", "preferred_name")
    @classmethod
    def _squash_spaces(cls, value: str | None) -> str | None:
        return None if value is None else " ".join(value.split())

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                validate_timezone(value)
            except Exception:
                raise ValueError(f"{value!r} is not a known timezone.") from None
        return value

    @field_validator("language")
    @classmethod
    def _offered_language(cls, value: str | None) -> str | None:
        codes = [code for code, _name in settings.LANGUAGES]
        if value is not None and value != "" and value not in codes:
            raise ValueError(f"Choose one of: {', '.join(codes)} (or empty for the browser's).")
        return value


def _me(user: User) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return {
        "code": user.code,
        "email": user.email,
        "full_name": user.full_name,
        "preferred_name": user.preferred_name,
        "greeting_name": user.get_short_name(),
        "timezone": user.timezone,
        "language": user.language,
        "has_mfa": has_mfa(user),
        "is_staff": user.is_staff,
        "organizations": [
            {
                "code": m.organization.code,
                "name": m.organization.name,
                "slug": m.organization.slug,
                "roles": m.roles,
            }
            for m in memberships
        ],
    }


@router.get("/me", response={200: MeOut, **AUTH_ERRORS}, summary="Who I am")
def me_read(request: HttpRequest) -> dict[str, Any]:
    return _me(_user(request))


@router.patch(
    "/me", response={200: MeOut, **AUTH_ERRORS, 422: ErrorOut}, summary="Change my account settings"
)
def me_update(request: HttpRequest, payload: MePatchIn) -> dict[str, Any]:
    user = _user(request)
    account_update(
        user,
        full_name=payload.full_name,
        preferred_name=payload.preferred_name,
        timezone_name=payload.timezone,
        language=payload.language,
        request=request,
    )
    return _me(user)


# --- Personal access tokens --------------------------------------------------------------


class TokenOut(Schema):
    code: str
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    status: str = Field(description="active, expired or revoked")

    @staticmethod
    def resolve_status(obj: PersonalAccessToken) -> str:
        if obj.revoked_at is not None:
            return "revoked"
        return "active" if obj.is_active() else "expired"


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown only in this response.")


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=MAX_TOKEN_DAYS)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Give the token a name.")
        return value


@router.get(
    "/tokens", response={200: list[TokenOut], **AUTH_ERRORS, 422: ErrorOut}, summary="My API tokens"
)
@paginate(BoundedPageNumberPagination, page_size=20)
def tokens_list(request: HttpRequest) -> Any:
    return PersonalAccessToken.objects.filter(user=_user(request))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **AUTH_ERRORS, 409: ErrorOut, 422: ErrorOut},
    summary="Create an API token",
    description=(
        "Only with the session: a token cannot create tokens, so a leaked token cannot "
        "outlive its own revocation. The raw token is in this response and nowhere else."
    ),
)
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    if getattr(request, "auth_token", None) is not None:
        raise ApiError(
            403, _("Create tokens while signed in, not with another token."), "session_required"
        )
    expires_at = (
        timezone.now() + timedelta(days=payload.expires_in_days)
        if payload.expires_in_days
        else None
    )
    token, raw = token_create(_user(request), payload.name, expires_at, request=request)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{code}", response={204: None, **READ_ERRORS}, summary="Revoke an API token")
def tokens_revoke(request: HttpRequest, code: str) -> Status[None]:
    user = _user(request)
    token_revoke(get_token_for(user, code, write=True), user, request=request)
    return Status(204, None)
