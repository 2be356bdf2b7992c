"""Access gates for organizations, memberships and invitations, shared by pages and API.

Strangers get 404 whether or not the organization exists. A member who lacks the role a page
needs gets 403: they already know the organization exists, so nothing leaks.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.organizations.models import Invitation, Membership, Organization, Role

if TYPE_CHECKING:
    from carementor.accounts.models import User


@dataclass(frozen=True)
class Access:
    """Who is asking about one organization: their membership, or platform staff."""

    organization: Organization
    membership: Membership | None
    is_staff: bool

    def has_role(self, role: str) -> bool:
        if self.is_staff:
            return True
        return self.membership is not None and self.membership.has_role(role)

    @property
    def can_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def can_view_members(self) -> bool:
        return self.has_role(Role.ADMIN) or self.has_role(Role.COORDINATOR)

    @property
    def roles(self) -> list[str]:
        return self.membership.roles if self.membership is not None else []


def get_access_for(user: "User", code: str, *, role: str | Collection[str] | None = None) -> Access:
    """The organization ``code`` as ``user`` sees it; ``role`` (one or any of several) required."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user, organization__code=code)
        .first()
    )
    if membership is not None:
        access = Access(membership.organization, membership, bool(user.is_staff))
    elif user.is_staff:
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise Http404
        access = Access(organization, None, True)
    else:
        raise Http404
    if role is not None:
        wanted = [role] if isinstance(role, str) else list(role)
        if not any(access.has_role(r) for r in wanted):
            raise PermissionDenied
    return access


def get_organization_for(
    user: "User", code: str, *, role: str | Collection[str] | None = None
) -> Organization:
    return get_access_for(user, code, role=role).organization


def get_membership_for(
    user: "User", organization: Organization, membership_code: str, *, write: bool = False
) -> Membership:
    """A membership of ``organization``: one's own, or anyone's for admins (and coordinators
    when only reading). Everything else is 404."""
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization=organization, code=membership_code)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.user_id == user.pk or user.is_staff:
        return membership
    mine = Membership.objects.filter(user=user, organization=organization).first()
    allowed = mine is not None and (mine.is_admin or (not write and mine.is_coordinator))
    if not allowed:
        raise Http404
    return membership


def get_invitation_for(
    user: "User", organization: Organization, invitation_code: str
) -> Invitation:
    """An invitation of ``organization`` as its admins (or platform staff) manage it."""
    if not user.is_staff:
        is_admin = Membership.objects.filter(
            user=user, organization=organization, is_admin=True
        ).exists()
        if not is_admin:
            raise Http404
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(organization=organization, code=invitation_code)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def verified_emails(user: "User") -> set[str]:
    """Every address the person has proved they own, lower-cased."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def is_invitee(user: "User", invitation: Invitation) -> bool:
    return invitation.email.lower() in verified_emails(user)


def get_invitation_for_invitee(user: "User", invitation_code: str) -> Invitation:
    """An invitation addressed to one of the signed-in person's verified addresses."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(code=invitation_code)
        .first()
    )
    if invitation is None or not is_invitee(user, invitation):
        raise Http404
    return invitation
