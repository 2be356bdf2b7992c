"""The access gates, branch by branch."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from carementor.lib.testing import make_user
from carementor.organizations.models import Membership
from carementor.organizations.permissions import (
    get_access_for,
    get_invitation_for,
    get_invitation_for_invitee,
    get_membership_for,
    get_organization_for,
)

pytestmark = pytest.mark.django_db


def test_members_get_their_organization(mentee, hospital):
    assert get_organization_for(mentee, hospital.code) == hospital
    access = get_access_for(mentee, hospital.code)
    assert access.roles == ["member"] and not access.can_admin and not access.can_view_members


def test_strangers_and_missing_codes_are_404(outsider, hospital):
    with pytest.raises(Http404):
        get_organization_for(outsider, hospital.code)
    with pytest.raises(Http404):
        get_organization_for(outsider, "nosuchorg123")
    # Even asking for a role: never 403 for a stranger, which would confirm the code exists.
    with pytest.raises(Http404):
        get_organization_for(outsider, hospital.code, role="admin")


def test_anonymous_is_404(hospital):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_organization_for(AnonymousUser(), hospital.code)


def test_members_without_the_role_are_403(mentee, coordinator, org_admin, hospital):
    with pytest.raises(PermissionDenied):
        get_organization_for(mentee, hospital.code, role="admin")
    with pytest.raises(PermissionDenied):
        get_organization_for(coordinator, hospital.code, role="admin")
    assert (
        get_organization_for(coordinator, hospital.code, role=["admin", "coordinator"]) == hospital
    )
    assert get_organization_for(org_admin, hospital.code, role="admin") == hospital


def test_staff_act_on_every_organization(staff, hospital):
    access = get_access_for(staff, hospital.code, role="admin")
    assert access.membership is None and access.can_admin and access.roles == []
    with pytest.raises(Http404):
        get_organization_for(staff, "nosuchorg123")


def test_membership_gate(mentee, mentor, coordinator, org_admin, outsider, hospital, trust):
    theirs = Membership.objects.get(user=mentor)
    assert get_membership_for(mentor, hospital, theirs.code, write=True) == theirs
    assert get_membership_for(org_admin, hospital, theirs.code, write=True) == theirs
    assert get_membership_for(coordinator, hospital, theirs.code) == theirs
    for user, write in ((coordinator, True), (mentee, False), (outsider, False)):
        with pytest.raises(Http404):
            get_membership_for(user, hospital, theirs.code, write=write)
    with pytest.raises(Http404):
        get_membership_for(outsider, trust, theirs.code, write=True)


def test_invitation_gates(org_admin, coordinator, outsider, hospital, trust, invitation):
    assert get_invitation_for(org_admin, hospital, invitation.code) == invitation
    for user, org in ((coordinator, hospital), (outsider, hospital), (outsider, trust)):
        with pytest.raises(Http404):
            get_invitation_for(user, org, invitation.code)
    neha = make_user("neha.kapoor@example.org")
    assert get_invitation_for_invitee(neha, invitation.code) == invitation
    for user in (org_admin, outsider):
        with pytest.raises(Http404):
            get_invitation_for_invitee(user, invitation.code)
