"""Access gates for an organization's integrations: its admins (and platform staff) only.

Another organization's tokens and groups are 404, exactly like codes that never existed.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from carementor.integrations.models import (
    HrFeed,
    HrFeedRun,
    ScimGroup,
    ScimToken,
    WebhookEndpoint,
)
from carementor.organizations.models import Membership, Organization, Role
from carementor.organizations.permissions import Access, get_access_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from carementor.accounts.models import User


def get_integrations_access_for(user: "User", code: str) -> Access:
    """The organization ``code`` for someone who may manage its integrations (admins)."""
    return get_access_for(user, code, role=Role.ADMIN)


def get_scim_token_for(organization: Organization, token_code: str) -> ScimToken:
    token = (
        ScimToken.objects.select_related("organization")
        .filter(organization=organization, code=token_code)
        .first()
    )
    if token is None:
        raise Http404
    return token


def get_scim_group_for(organization: Organization, group_code: str) -> ScimGroup:
    group = (
        ScimGroup.objects.select_related("organization")
        .filter(organization=organization, code=group_code)
        .first()
    )
    if group is None:
        raise Http404
    return group


def get_webhook_endpoint_for(organization: Organization, endpoint_code: str) -> WebhookEndpoint:
    endpoint = (
        WebhookEndpoint.objects.select_related("organization")
        .filter(organization=organization, code=endpoint_code)
        .first()
    )
    if endpoint is None:
        raise Http404
    return endpoint


def get_practitioner_for(user: "User", code: str) -> "User":
    """A person whose professional record ``user`` may export: themselves, or a member of an
    organization where ``user`` administers, coordinates or reviews credentials."""
    from carementor.accounts.models import User

    person = User.objects.filter(code=code, is_active=True).first()
    if person is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if person.pk == user.pk or user.is_staff:
        return person
    overseen = Membership.objects.filter(user=user).filter(
        Q(is_admin=True) | Q(is_coordinator=True) | Q(is_reviewer=True)
    )
    shared = Membership.objects.filter(
        user=person, organization__in=overseen.values("organization")
    ).exists()
    if not shared:
        raise Http404
    return person


def get_hr_feed_access_for(user: "User", code: str) -> Access:
    """The organization ``code`` for someone who may read and apply its HR feeds' runs
    (admins and coordinators); configuring a feed is for admins (``Access.can_admin``)."""
    return get_access_for(user, code, role=[Role.ADMIN, Role.COORDINATOR])


def get_hr_feed_for(organization: Organization, feed_code: str) -> HrFeed:
    feed = (
        HrFeed.objects.select_related("organization")
        .filter(organization=organization, code=feed_code)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


def get_hr_feed_run_for(feed: HrFeed, run_code: str) -> HrFeedRun:
    run = HrFeedRun.objects.select_related("feed__organization").filter(feed=feed, code=run_code)
    found = run.first()
    if found is None:
        raise Http404
    return found


def _overseen_organizations(user: "User") -> "QuerySet[Membership, Any]":
    return (
        Membership.objects.filter(user=user)
        .filter(Q(is_admin=True) | Q(is_coordinator=True) | Q(is_reviewer=True))
        .values("organization")
    )


def practitioner_roles_for(user: "User") -> "QuerySet[Membership]":
    """Memberships ``user`` may export as PractitionerRoles: their own, everyone's in the
    organizations they administer, coordinate or review for, or all for platform staff."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    rows = Membership.objects.filter(user__is_active=True)
    if user.is_staff:
        return rows
    return rows.filter(Q(user=user) | Q(organization__in=_overseen_organizations(user)))


def get_practitioner_role_for(user: "User", code: str) -> Membership:
    """One membership as a PractitionerRole; missing and not-yours are both 404."""
    membership = (
        practitioner_roles_for(user).select_related("user", "organization").filter(code=code)
    ).first()
    if membership is None:
        raise Http404
    return membership
