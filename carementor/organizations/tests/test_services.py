from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.organizations import services
from carementor.organizations.models import Invitation, Membership, Organization
from carementor.organizations.services import Conflict
from carementor.organizations.tests.conftest import link_in

pytestmark = pytest.mark.django_db


# --- invitation_create ------------------------------------------------------------------


def test_invitation_create_normalizes_stores_audits_and_mails(
    hospital, org_admin, on_commit, settings
):
    settings.SITE_URL = "https://carementor.example"
    with on_commit():
        invitation = services.invitation_create(
            hospital, "  Neha.Kapoor@Example.ORG ", ["reviewer", "mentor"], org_admin
        )
    assert invitation.email == "neha.kapoor@example.org"
    assert invitation.roles == ["mentor", "reviewer"]
    assert invitation.invited_by == org_admin
    days = (invitation.expires_at - timezone.now()).total_seconds() / 86400
    assert 13.9 < days <= 14

    event = AuditEvent.objects.get(action="invitation.created")
    assert (event.actor, event.organization, event.target_id) == (
        org_admin,
        hospital,
        invitation.code,
    )
    assert event.detail == {"roles": ["mentor", "reviewer"]}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neha.kapoor@example.org"]
    assert (
        message.subject
        == "[CareMentor] You are invited to join Chennai Children's Teaching Hospital"
    )
    assert "Rohan Iyer has invited you to join Chennai Children's Teaching Hospital" in message.body
    assert "Your roles there: Member, Mentor, Credential reviewer." in message.body
    assert link_in(message).startswith("https://carementor.example/organizations/invitations/")


@override_settings(CAREMENTOR_INVITATION_DAYS=3)
def test_invitation_lifetime_comes_from_settings(hospital, org_admin):
    invitation = services.invitation_create(hospital, "a@example.org", [], org_admin)
    assert timedelta(days=2, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=3)


def test_invitation_mail_is_sent_only_after_commit(
    hospital, org_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.invitation_create(hospital, "a@example.org", [], org_admin)
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_invitation_mail_is_translated_into_the_inviters_language(hospital, org_admin, on_commit):
    org_admin.language = "hi"
    org_admin.save()
    with on_commit():
        services.invitation_create(hospital, "a@example.org", [], org_admin)
    # The Hindi catalog may not translate this text yet; the mail must still go out whole.
    assert mail.outbox[0].subject.startswith("[CareMentor] ")
    assert "/organizations/invitations/" in mail.outbox[0].body


def test_revoked_before_the_task_runs_sends_nothing(
    hospital, org_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = services.invitation_create(hospital, "a@example.org", [], org_admin)
    services.invitation_revoke(invitation, org_admin)
    for callback in callbacks:
        callback()
    assert mail.outbox == []


@pytest.mark.parametrize("roles", [["surgeon"], ["admin", "owner"], [""]])
def test_invitation_with_unknown_role_is_refused(hospital, org_admin, roles):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(hospital, "a@example.org", roles, org_admin)
    assert "is not a role" in excinfo.value.messages[0]
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="invitation.created").exists()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@", "@example.org"])
def test_invitation_with_bad_email_is_refused(hospital, org_admin, email):
    with pytest.raises(ValidationError):
        services.invitation_create(hospital, email, [], org_admin)
    assert not Invitation.objects.exists()


def test_inviting_a_member_is_a_conflict(hospital, org_admin, mentee):
    with pytest.raises(Conflict) as excinfo:
        services.invitation_create(hospital, "ASHA@example.org", [], org_admin)
    assert excinfo.value.code == "already_member"
    assert not Invitation.objects.exists()


def test_inviting_a_members_other_verified_address_is_a_conflict(hospital, org_admin, mentee):
    EmailAddress.objects.create(user=mentee, email="asha.r@hospital.example", verified=True)
    with pytest.raises(Conflict):
        services.invitation_create(hospital, "asha.r@hospital.example", [], org_admin)


def test_an_open_invitation_blocks_a_second_one(hospital, org_admin, invitation):
    with pytest.raises(Conflict) as excinfo:
        services.invitation_create(hospital, "NEHA.kapoor@example.org", ["admin"], org_admin)
    assert excinfo.value.code == "already_invited"
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_still_blocks_until_resent_or_revoked(
    hospital, org_admin, invitation
):
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        with pytest.raises(Conflict):
            services.invitation_create(hospital, invitation.email, [], org_admin)
        services.invitation_revoke(invitation, org_admin)
        again = services.invitation_create(hospital, invitation.email, [], org_admin)
        assert again.status == "pending"
    assert Invitation.objects.count() == 2


def test_database_constraint_race_becomes_a_conflict(hospital, org_admin, monkeypatch):
    services.invitation_create(hospital, "a@example.org", [], org_admin)
    # Pretend the check-before-insert saw nothing, as a concurrent request would.
    monkeypatch.setattr(services, "_open_invitations", lambda *a: Invitation.objects.none())
    with pytest.raises(Conflict):
        services.invitation_create(hospital, "A@example.org", [], org_admin)
    assert Invitation.objects.count() == 1


def test_the_same_address_may_be_invited_by_two_organizations(hospital, trust, org_admin, outsider):
    services.invitation_create(hospital, "a@example.org", [], org_admin)
    services.invitation_create(trust, "a@example.org", [], outsider)
    assert Invitation.objects.count() == 2


@pytest.mark.parametrize("who", ["mentee", "coordinator", "outsider"])
def test_only_admins_invite(hospital, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.invitation_create(hospital, "a@example.org", [], actor)
    assert not Invitation.objects.exists()


def test_platform_staff_invite_anywhere(hospital):
    staff = make_user("ops@carementor.example", is_staff=True)
    invitation = services.invitation_create(hospital, "a@example.org", ["admin"], staff)
    assert invitation.invited_by == staff


# --- resend and revoke --------------------------------------------------------------------


def test_resend_extends_and_mails_again(invitation, org_admin, on_commit):
    with time_machine.travel(timezone.now() + timedelta(days=20)):
        assert invitation.status == "expired"
        with on_commit():
            resent = services.invitation_resend(invitation, org_admin)
        assert resent.status == "pending"
        assert resent.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="invitation.resent", actor=org_admin).exists()


def test_revoke_closes_and_audits(invitation, org_admin):
    services.invitation_revoke(invitation, org_admin)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    event = AuditEvent.objects.get(action="invitation.revoked")
    assert event.target_id == invitation.code and event.actor == org_admin


def test_revoking_twice_is_a_conflict(invitation, org_admin):
    services.invitation_revoke(invitation, org_admin)
    with pytest.raises(Conflict) as excinfo:
        services.invitation_revoke(invitation, org_admin)
    assert excinfo.value.code == "revoked"
    with pytest.raises(Conflict):
        services.invitation_resend(invitation, org_admin)


@pytest.mark.parametrize("who", ["mentee", "coordinator", "outsider"])
def test_only_admins_resend_or_revoke(invitation, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation, actor)
    with pytest.raises(PermissionDenied):
        services.invitation_resend(invitation, actor)
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# --- accept and decline -------------------------------------------------------------------


def test_accept_creates_the_membership_with_the_roles(invitation, hospital):
    neha = make_user("neha.kapoor@example.org", full_name="Neha Kapoor")
    membership = services.invitation_accept(invitation, neha)
    assert (membership.user, membership.organization) == (neha, hospital)
    assert membership.roles == ["member", "mentor"]
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == neha
    event = AuditEvent.objects.get(action="invitation.accepted")
    assert event.actor == neha and event.organization == hospital
    assert event.detail["roles"] == ["mentor"] and event.detail["membership"] == membership.code


def test_accept_adds_roles_to_an_existing_membership(hospital, org_admin, mentor, invite):
    # The invitation went to the mentor's work address, which they have verified.
    EmailAddress.objects.create(user=mentor, email="v.mehta@work.example", verified=True)
    invitation = Invitation.objects.create(
        organization=hospital,
        email="v.mehta@work.example",
        roles=["coordinator"],
        invited_by=org_admin,
        expires_at=timezone.now() + timedelta(days=1),
    )
    membership = services.invitation_accept(invitation, mentor)
    assert membership.roles == ["member", "mentor", "coordinator"]
    assert Membership.objects.filter(user=mentor).count() == 1


def test_accept_needs_a_verified_matching_address(invitation):
    impostor = make_user("someone@example.org")
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation, impostor)
    unverified = make_user("other@example.org")
    EmailAddress.objects.create(user=unverified, email="neha.kapoor@example.org", verified=False)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation, unverified)
    assert not Membership.objects.filter(user__in=[impostor, unverified]).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    denied = AuditEvent.objects.filter(action="invitation.accepted", outcome="denied")
    assert denied.count() == 2


def test_accepting_twice_is_a_conflict_and_makes_one_membership(invitation):
    neha = make_user("neha.kapoor@example.org")
    services.invitation_accept(invitation, neha)
    with pytest.raises(Conflict) as excinfo:
        services.invitation_accept(invitation, neha)
    assert excinfo.value.code == "accepted"
    assert Membership.objects.filter(user=neha).count() == 1


def test_accepting_an_expired_invitation_is_a_conflict(invitation):
    neha = make_user("neha.kapoor@example.org")
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(Conflict) as excinfo,
    ):
        services.invitation_accept(invitation, neha)
    assert excinfo.value.code == "expired"
    assert not Membership.objects.filter(user=neha).exists()


def test_decline_closes_the_invitation(invitation):
    neha = make_user("neha.kapoor@example.org")
    services.invitation_decline(invitation, neha)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert AuditEvent.objects.filter(action="invitation.declined", actor=neha).exists()
    with pytest.raises(Conflict):
        services.invitation_accept(invitation, neha)


# --- roles and removal --------------------------------------------------------------------


def test_set_roles_replaces_and_audits_before_after(hospital, org_admin, mentor):
    membership = Membership.objects.get(user=mentor)
    services.membership_set_roles(membership, ["coordinator", "reviewer"], org_admin)
    membership.refresh_from_db()
    assert membership.roles == ["member", "coordinator", "reviewer"]
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.subject == mentor and event.detail == {
        "before": ["member", "mentor"],
        "after": ["member", "coordinator", "reviewer"],
    }


def test_set_roles_without_change_writes_nothing(org_admin, mentor):
    membership = Membership.objects.get(user=mentor)
    services.membership_set_roles(membership, ["mentor", "member"], org_admin)
    assert not AuditEvent.objects.filter(action="membership.roles_changed").exists()


def test_unknown_role_is_refused_and_nothing_changes(org_admin, mentor):
    membership = Membership.objects.get(user=mentor)
    with pytest.raises(ValidationError):
        services.membership_set_roles(membership, ["mentor", "dean"], org_admin)
    membership.refresh_from_db()
    assert membership.roles == ["member", "mentor"]


@pytest.mark.parametrize("who", ["mentee", "coordinator", "outsider"])
def test_only_admins_change_roles(mentor, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(Membership.objects.get(user=mentor), ["admin"], actor)
    assert Membership.objects.get(user=mentor).roles == ["member", "mentor"]


def test_the_last_admin_cannot_drop_the_admin_role(hospital, org_admin):
    mine = Membership.objects.get(user=org_admin)
    with pytest.raises(Conflict) as excinfo:
        services.membership_set_roles(mine, ["mentor"], org_admin)
    assert excinfo.value.code == "last_admin"
    assert Membership.objects.get(user=org_admin).is_admin


def test_with_a_second_admin_the_first_may_step_down(hospital, org_admin, mentor):
    services.membership_set_roles(Membership.objects.get(user=mentor), ["admin"], org_admin)
    services.membership_set_roles(Membership.objects.get(user=org_admin), [], org_admin)
    assert list(Membership.objects.filter(organization=hospital, is_admin=True)) == [
        Membership.objects.get(user=mentor)
    ]


def test_admins_remove_members(hospital, org_admin, mentor):
    membership = Membership.objects.get(user=mentor)
    services.membership_remove(membership, org_admin)
    assert not Membership.objects.filter(user=mentor).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.actor == org_admin and event.organization == hospital
    assert event.subject == mentor and event.detail == {
        "roles": ["member", "mentor"],
        "left": False,
    }


def test_a_member_may_leave(mentee):
    services.membership_remove(Membership.objects.get(user=mentee), mentee)
    assert not Membership.objects.filter(user=mentee).exists()
    assert AuditEvent.objects.get(action="membership.removed").detail["left"] is True


@pytest.mark.parametrize("who", ["mentee", "coordinator", "outsider"])
def test_others_cannot_remove_a_member(mentor, who, request):
    with pytest.raises(PermissionDenied):
        services.membership_remove(
            Membership.objects.get(user=mentor), request.getfixturevalue(who)
        )
    assert Membership.objects.filter(user=mentor).exists()


def test_the_last_admin_can_neither_leave_nor_be_removed(org_admin):
    staff = make_user("ops@carementor.example", is_staff=True)
    mine = Membership.objects.get(user=org_admin)
    for actor in (org_admin, staff):
        with pytest.raises(Conflict):
            services.membership_remove(mine, actor)
    assert Membership.objects.filter(user=org_admin).exists()


# --- organizations ------------------------------------------------------------------------


def test_staff_create_organizations_with_unique_slugs():
    staff = make_user("ops@carementor.example", is_staff=True)
    first = services.organization_create(
        "St John's College of Nursing", "nursing_college", "in", "Asia/Kolkata", staff
    )
    second = services.organization_create(
        "St John's College of Nursing", "nursing_college", "IN", "Asia/Kolkata", staff
    )
    assert (first.slug, second.slug) == (
        "st-johns-college-of-nursing",
        "st-johns-college-of-nursing-2",
    )
    assert first.country == "IN"
    assert AuditEvent.objects.filter(action="organization.created").count() == 2


def test_members_cannot_create_organizations(org_admin):
    with pytest.raises(PermissionDenied):
        services.organization_create("X", "hospital", "IN", "UTC", org_admin)
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "India"),
        ("country", "1N"),
        ("timezone", "Mars/Olympus"),
        ("kind", "spa"),
        ("name", ""),
    ],
)
def test_bad_settings_are_refused(hospital, org_admin, field, value):
    with pytest.raises(ValidationError):
        services.organization_update(hospital, org_admin, **{field: value})
    hospital.refresh_from_db()
    assert hospital.country == "IN" and hospital.timezone == "Asia/Kolkata"
    assert not AuditEvent.objects.filter(action="organization.updated").exists()


def test_update_records_what_changed(hospital, org_admin):
    services.organization_update(
        hospital,
        org_admin,
        name="Chennai Children's Hospital",
        timezone="Asia/Kolkata",
        country="in",
    )
    hospital.refresh_from_db()
    assert hospital.name == "Chennai Children's Hospital"
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.detail == {
        "name": {
            "before": "Chennai Children's Teaching Hospital",
            "after": "Chennai Children's Hospital",
        }
    }


@pytest.mark.parametrize("who", ["mentee", "coordinator", "outsider"])
def test_only_admins_update(hospital, who, request):
    with pytest.raises(PermissionDenied):
        services.organization_update(hospital, request.getfixturevalue(who), name="Mine now")
    hospital.refresh_from_db()
    assert hospital.name == "Chennai Children's Teaching Hospital"


def test_outsider_admin_of_another_org_cannot_touch_this_one(trust, outsider, hospital, mentor):
    add_member(make_user("x@example.org"), trust)
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(Membership.objects.get(user=mentor), [], outsider)
