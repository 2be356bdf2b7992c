"""Organizations in the JSON API: mine, their members, roles and invitations."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from carementor.accounts.models import User
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError
from carementor.lib.paging import BoundedPageNumberPagination
from carementor.organizations import services
from carementor.organizations.models import Invitation, Membership, Organization, Role
from carementor.organizations.permissions import (
    Access,
    get_access_for,
    get_invitation_for,
    get_membership_for,
)
from carementor.organizations.services import Conflict
from carementor.organizations.tokens import ExpiredToken, InvalidToken, read_token

router = Router(tags=["organizations"])


def _user(request: HttpRequest) -> User:
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


# --- Schemas ------------------------------------------------------------------------------


class OrganizationOut(Schema):
    code: str
    name: str
    slug: str
    kind: str
    country: str
    timezone: str
    roles: list[str] = Field(description="The caller's roles here; empty for platform staff.")
    member_count: int


class MyOrganizationOut(Schema):
    code: str = Field(alias="organization.code")
    name: str = Field(alias="organization.name")
    kind: str = Field(alias="organization.kind")
    country: str = Field(alias="organization.country")
    timezone: str = Field(alias="organization.timezone")
    roles: list[str]
    membership_code: str = Field(alias="code")


class OrganizationCreateIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: Organization.Kind
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    timezone: str = Field("UTC", max_length=64)


class OrganizationPatchIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Organization.Kind | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    timezone: str | None = Field(None, max_length=64)


class MemberOut(Schema):
    code: str
    user_code: str = Field(alias="user.code")
    full_name: str = Field(alias="user.full_name")
    email: str = Field(alias="user.email")
    roles: list[str]
    joined_at: datetime


class MemberFilter(Schema):
    q: str | None = Field(None, max_length=100, description="Part of a name or e-mail.")
    role: Role | None = None


class RolesIn(Schema):
    roles: list[Role] = Field(description="The complete set of roles; member is implied.")


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    roles: list[Role] = []


class InvitationOut(Schema):
    code: str
    email: str
    roles: list[str]
    status: str = Field(description="pending, expired, accepted or revoked")
    invited_by: str | None = Field(None, alias="invited_by.email")
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class AcceptIn(Schema):
    token: str = Field(min_length=1, max_length=500)


class MembershipOut(Schema):
    code: str
    organization: str = Field(alias="organization.code")
    roles: list[str]


# --- Helpers ------------------------------------------------------------------------------


@contextmanager
def conflicts_as_409() -> Iterator[None]:
    try:
        yield
    except Conflict as exc:
        raise ApiError(409, " ".join(exc.messages), exc.code or "conflict") from exc


def _organization_out(access: Access) -> OrganizationOut:
    organization = access.organization
    return OrganizationOut(
        code=organization.code,
        name=organization.name,
        slug=organization.slug,
        kind=organization.kind,
        country=organization.country,
        timezone=organization.timezone,
        roles=access.roles,
        member_count=organization.memberships.count(),
    )


# --- Organizations ------------------------------------------------------------------------


@router.get("/", response={200: list[MyOrganizationOut], **READ_ERRORS}, summary="My organizations")
@paginate(BoundedPageNumberPagination, page_size=50)
def list_organizations(request: HttpRequest) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=request.auth)  # type: ignore[attr-defined]
        .select_related("organization")
        .order_by("organization__name")
    )


@router.post("/", response={201: OrganizationOut, **WRITE_ERRORS}, summary="Create (staff)")
def create_organization(
    request: HttpRequest, payload: OrganizationCreateIn
) -> Status[OrganizationOut]:
    organization = services.organization_create(
        name=payload.name,
        kind=payload.kind,
        country=payload.country,
        timezone=payload.timezone,
        actor=_user(request),
        request=request,
    )
    return Status(201, _organization_out(Access(organization, None, True)))


@router.get("/{code}", response={200: OrganizationOut, **READ_ERRORS})
def get_organization(request: HttpRequest, code: str) -> OrganizationOut:
    return _organization_out(get_access_for(_user(request), code))


@router.patch(
    "/{code}", response={200: OrganizationOut, **WRITE_ERRORS}, summary="Settings (admin)"
)
def update_organization(
    request: HttpRequest, code: str, payload: OrganizationPatchIn
) -> OrganizationOut:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    with conflicts_as_409():
        services.organization_update(
            access.organization, _user(request), request=request, **changes
        )
    return _organization_out(get_access_for(_user(request), code))


# --- Members ------------------------------------------------------------------------------


@router.get(
    "/{code}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="Members (admin, coordinator)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_members(
    request: HttpRequest, code: str, filters: Query[MemberFilter]
) -> QuerySet[Membership]:
    access = get_access_for(_user(request), code, role=[Role.ADMIN, Role.COORDINATOR])
    members = (
        Membership.objects.filter(organization=access.organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    if filters.q:
        members = members.filter(
            Q(user__full_name__icontains=filters.q) | Q(user__email__icontains=filters.q)
        )
    if filters.role:
        members = members.with_role(filters.role)
    return members


@router.patch(
    "/{code}/members/{membership_code}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Change roles (admin)",
)
def set_member_roles(
    request: HttpRequest, code: str, membership_code: str, payload: RolesIn
) -> Membership:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    membership = get_membership_for(
        _user(request), access.organization, membership_code, write=True
    )
    with conflicts_as_409():
        return services.membership_set_roles(
            membership, [role.value for role in payload.roles], _user(request), request=request
        )


@router.delete(
    "/{code}/members/{membership_code}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a member (admin) or leave (self)",
)
def remove_member(request: HttpRequest, code: str, membership_code: str) -> Status[None]:
    access = get_access_for(_user(request), code)
    membership = get_membership_for(
        _user(request), access.organization, membership_code, write=True
    )
    with conflicts_as_409():
        services.membership_remove(membership, _user(request), request=request)
    return Status(204, None)


# --- Invitations --------------------------------------------------------------------------


@router.get(
    "/{code}/invitations",
    response={200: list[InvitationOut], **READ_ERRORS},
    summary="Invitations (admin)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_invitations(request: HttpRequest, code: str) -> QuerySet[Invitation]:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    return Invitation.objects.filter(organization=access.organization).select_related("invited_by")


@router.post(
    "/{code}/invitations",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite by e-mail (admin)",
)
def create_invitation(request: HttpRequest, code: str, payload: InvitationIn) -> Status[Invitation]:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    with conflicts_as_409():
        invitation = services.invitation_create(
            access.organization,
            payload.email,
            [role.value for role in payload.roles],
            _user(request),
            request=request,
        )
    return Status(201, invitation)


@router.post(
    "/{code}/invitations/{invitation_code}/resend",
    response={200: InvitationOut, **WRITE_ERRORS},
    summary="Send an invitation again (admin)",
)
def resend_invitation(request: HttpRequest, code: str, invitation_code: str) -> Invitation:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    invitation = get_invitation_for(_user(request), access.organization, invitation_code)
    with conflicts_as_409():
        return services.invitation_resend(invitation, _user(request), request=request)


@router.delete(
    "/{code}/invitations/{invitation_code}",
    response={204: None, **WRITE_ERRORS},
    summary="Revoke an invitation (admin)",
)
def revoke_invitation(request: HttpRequest, code: str, invitation_code: str) -> Status[None]:
    access = get_access_for(_user(request), code, role=Role.ADMIN)
    invitation = get_invitation_for(_user(request), access.organization, invitation_code)
    with conflicts_as_409():
        services.invitation_revoke(invitation, _user(request), request=request)
    return Status(204, None)


def _invitation_from_token(token: str) -> Invitation:
    try:
        invitation_code = read_token(token)
    except InvalidToken as exc:
        raise ApiError(404, _("This invitation link is not valid."), "not_found") from exc
    except ExpiredToken as exc:
        raise ApiError(409, _("This invitation has expired."), "expired") from exc
    invitation = (
        Invitation.objects.select_related("organization").filter(code=invitation_code).first()
    )
    if invitation is None:
        raise ApiError(404, _("This invitation link is not valid."), "not_found")
    return invitation


@router.post(
    "/invitations/accept",
    response={200: MembershipOut, **WRITE_ERRORS},
    summary="Accept an invitation (the invitee)",
)
def accept_invitation(request: HttpRequest, payload: AcceptIn) -> Membership:
    invitation = _invitation_from_token(payload.token)
    with conflicts_as_409():
        return services.invitation_accept(invitation, _user(request), request=request)


@router.post(
    "/invitations/decline",
    response={204: None, **WRITE_ERRORS},
    summary="Decline an invitation (the invitee)",
)
def decline_invitation(request: HttpRequest, payload: AcceptIn) -> Status[None]:
    invitation = _invitation_from_token(payload.token)
    with conflicts_as_409():
        services.invitation_decline(invitation, _user(request), request=request)
    return Status(204, None)
