"""Demo invitations: every organization's invitations page shows each state, once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.demo.invitations import seed_invitations
from carementor.organizations.models import Invitation, Organization

pytestmark = pytest.mark.django_db


def seed(users: int = 0) -> str:
    out = StringIO()
    call_command("seed_demo", users=users, stdout=out, stderr=StringIO())
    return out.getvalue()


def states(slug: str) -> dict[str, list[tuple[str, list[str], str]]]:
    found: dict[str, list[tuple[str, list[str], str]]] = {}
    for invitation in (
        Invitation.objects.filter(organization__slug=slug)
        .select_related("invited_by")
        .order_by("email")
    ):
        inviter = invitation.invited_by.email if invitation.invited_by else ""
        found.setdefault(invitation.status, []).append(
            (invitation.email, invitation.roles, inviter)
        )
    return found


def test_each_organization_has_pending_expired_and_accepted_invitations() -> None:
    seed()
    assert states("indus-ims") == {
        "pending": [
            ("arjun.reddy@example.org", [], "rohan@example.org"),
            ("farah.siddiqui@example.org", ["reviewer"], "rohan@example.org"),
            ("sneha.kulkarni@example.org", ["mentor"], "rohan@example.org"),
        ],
        "expired": [("manoj.deshpande@example.org", ["coordinator"], "rohan@example.org")],
        "accepted": [("vikram@example.org", ["mentor"], "rohan@example.org")],
    }
    assert states("pennine-nhs") == {
        "pending": [
            ("gareth.evans@example.org", ["mentor"], "tom@example.org"),
            ("hannah.clarke@example.org", ["mentor", "coordinator"], "tom@example.org"),
            ("imran.hussain@example.org", [], "tom@example.org"),
        ],
        "expired": [("sophie.turner@example.org", ["reviewer"], "tom@example.org")],
        "accepted": [("aisha@example.org", [], "tom@example.org")],
    }
    # The college has no admin login: platform staff sent its invitations.
    assert states("vembanad-nursing") == {
        "pending": [
            ("bincy.varghese@example.org", [], "staff@example.org"),
            ("reshma.joseph@example.org", ["mentor"], "staff@example.org"),
        ],
        "expired": [("jincy.mathew@example.org", ["coordinator"], "staff@example.org")],
        "accepted": [("mary@example.org", ["mentor", "coordinator"], "staff@example.org")],
    }
    vikram = User.objects.get(email="vikram@example.org")
    accepted = Invitation.objects.get(email="vikram@example.org")
    assert accepted.accepted_by == vikram and accepted.accepted_at == vikram.date_joined
    assert accepted.created_at < accepted.accepted_at < accepted.expires_at
    # Sent on different days, so the page is not one block of identical dates.
    pending = Invitation.objects.pending()
    assert len({invitation.created_at.date() for invitation in pending}) >= 4
    assert all(invitation.created_at <= timezone.now() for invitation in pending)


def test_pending_ones_go_through_the_service_and_mail_once(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    invited = sorted(message.to[0] for message in mail.outbox)
    assert invited == sorted(Invitation.objects.pending().values_list("email", flat=True))
    assert len(invited) == 8
    created = AuditEvent.objects.filter(action="invitation.created")
    assert created.count() == 8
    assert set(created.values_list("actor__email", flat=True)) == {
        "rohan@example.org",
        "tom@example.org",
        "staff@example.org",
    }

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        output = seed()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action__startswith="invitation.").count() == 8
    assert "Invitations: 14 (0 new)." in output


def test_the_invitations_page_lists_them_for_the_admin(client) -> None:  # type: ignore[no-untyped-def]
    seed()
    hospital = Organization.objects.get(slug="indus-ims")
    client.force_login(User.objects.get(email="rohan@example.org"))
    response = client.get(f"/organizations/{hospital.code}/invitations/?status=pending")
    assert response.status_code == 200
    page = response.content.decode()
    for email in (
        "sneha.kulkarni@example.org",
        "arjun.reddy@example.org",
        "farah.siddiqui@example.org",
    ):
        assert email in page
    assert "manoj.deshpande@example.org" not in page  # expired, filtered out
    assert "hannah.clarke@example.org" not in page  # the NHS trust's


def test_what_a_tester_did_is_kept_and_a_lapsed_pending_one_is_resent(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    seed()
    revoked = Invitation.objects.get(email="arjun.reddy@example.org")
    revoked.revoked_at = timezone.now()
    revoked.save()
    lapsed = Invitation.objects.get(email="sneha.kulkarni@example.org")
    lapsed.expires_at = timezone.now() - datetime.timedelta(hours=1)
    lapsed.save()
    expired_before = Invitation.objects.get(email="manoj.deshpande@example.org").expires_at

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = seed_invitations(organizations={o.slug: o for o in Organization.objects.all()})

    assert (result.total, result.created) == (14, 0)
    revoked.refresh_from_db()
    assert revoked.status == "revoked"  # not re-created, not reopened
    assert Invitation.objects.filter(email="arjun.reddy@example.org").count() == 1
    lapsed.refresh_from_db()
    assert lapsed.status == "pending" and lapsed.expires_at > timezone.now()
    assert [message.to for message in mail.outbox] == [["sneha.kulkarni@example.org"]]
    assert AuditEvent.objects.filter(action="invitation.resent").count() == 1
    # The one meant to be expired stays expired.
    expired = Invitation.objects.get(email="manoj.deshpande@example.org")
    assert expired.status == "expired" and expired.expires_at == expired_before


def test_an_address_that_joined_on_its_own_is_not_invited() -> None:
    seed()
    Invitation.objects.filter(email="gareth.evans@example.org").delete()
    gareth = User.objects.create_user(email="gareth.evans@example.org", password=None)
    trust = Organization.objects.get(slug="pennine-nhs")
    gareth.memberships.create(organization=trust)
    output = seed()
    assert not Invitation.objects.filter(email="gareth.evans@example.org").exists()
    assert "Invitations: 13 (0 new)." in output
