"""The second reviewer login: Kavya signs in with MFA and completes Priya's proposals."""

import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management import call_command

from carementor.accounts.models import User
from carementor.credentials.models import Credential, ReviewEvent
from carementor.demo.four_eyes import REJECTION_REASON, REVOCATION_REASON, seed_four_eyes
from carementor.demo.logins import DEMO_TOTP_SECRET
from carementor.demo.seed import DEMO_PASSWORD
from carementor.organizations.models import Organization

pytestmark = pytest.mark.django_db


def seed(users: int = 120) -> str:
    out = StringIO()
    call_command("seed_demo", users=users, seed=3, stdout=out, stderr=StringIO())
    return out.getvalue()


def sign_in(client, email: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def proposals() -> set[tuple[str, str, str]]:
    return set(
        Credential.objects.exclude(pending_action="").values_list(
            "pending_action", "pending_by__email", "organization__slug"
        )
    )


def test_kavya_is_a_reviewer_login_with_the_demo_totp_secret(client) -> None:  # type: ignore[no-untyped-def]
    seed(users=0)
    kavya = User.objects.get(email="kavya@example.org")
    assert kavya.full_name == "Kavya Menon"
    assert kavya.check_password(DEMO_PASSWORD)
    assert kavya.has_mfa()
    totp = Authenticator.objects.get(user=kavya, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    assert list(kavya.memberships.values_list("organization__slug", "is_reviewer")) == [
        ("indus-ims", True)
    ]
    sign_in(client, "kavya@example.org")
    assert client.session["_auth_user_id"] == str(kavya.pk)
    # No second, password-less Kavya next to the login.
    assert not User.objects.filter(full_name="Kavya Menon").exclude(pk=kavya.pk).exists()


def test_each_reviewer_has_proposals_only_the_other_can_confirm() -> None:
    seed()
    assert proposals() == {
        ("reject", "priya@example.org", "indus-ims"),
        ("revoke", "priya@example.org", "indus-ims"),
        ("reject", "kavya@example.org", "indus-ims"),
        ("revoke", "kavya@example.org", "indus-ims"),
    }
    rejection = Credential.objects.get(
        pending_by__email="priya@example.org", pending_action="reject"
    )
    assert (rejection.status, rejection.reviewer.email) == ("in_review", "priya@example.org")
    assert rejection.pending_reason == REJECTION_REASON
    assert rejection.evidence.exists()
    revocation = Credential.objects.get(
        pending_by__email="priya@example.org", pending_action="revoke"
    )
    assert revocation.status == "verified" and revocation.pending_reason == REVOCATION_REASON
    # A generated mentor's licence, never a persona's (Vikram must stay matchable).
    assert revocation.holder.email.endswith("@indus-ims.example.org")
    assert revocation.holder.memberships.get(organization__slug="indus-ims").is_mentor
    assert list(
        ReviewEvent.objects.filter(credential=rejection)
        .order_by("at")
        .values_list("action", "actor__email")
    ) == [
        ("submitted", rejection.holder.email),
        ("review_started", "priya@example.org"),
        ("rejection_proposed", "priya@example.org"),
    ]


def test_kavya_sees_and_confirms_priyas_rejection(client) -> None:  # type: ignore[no-untyped-def]
    seed()
    hospital = Organization.objects.get(slug="indus-ims")
    rejection = Credential.objects.get(
        pending_by__email="priya@example.org", pending_action="reject"
    )
    revocation = Credential.objects.get(
        pending_by__email="priya@example.org", pending_action="revoke"
    )
    sign_in(client, "kavya@example.org")

    queue = client.get(f"/credentials/review/org/{hospital.code}/")
    assert queue.status_code == 200
    page = queue.content.decode()
    assert f"/credentials/review/{rejection.code}/" in page
    assert f"/credentials/review/{revocation.code}/" in page

    response = client.post(f"/credentials/review/{rejection.code}/second/", {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/review/{rejection.code}/"
    rejection.refresh_from_db()
    assert rejection.status == "rejected" and rejection.pending_action == ""
    assert (rejection.decided_by.email, rejection.second_reviewer.email) == (
        "priya@example.org",
        "kavya@example.org",
    )
    # Decided proposals are not made again on the next start.
    seed()
    assert ("reject", "priya@example.org", "indus-ims") not in proposals()
    assert Credential.objects.filter(
        status="rejected", second_reviewer__email="kavya@example.org"
    ).exists()


def test_priya_cannot_confirm_her_own_proposal_and_an_outsider_cannot_see_it(client) -> None:  # type: ignore[no-untyped-def]
    seed()
    rejection = Credential.objects.get(
        pending_by__email="priya@example.org", pending_action="reject"
    )
    sign_in(client, "priya@example.org")
    response = client.post(f"/credentials/review/{rejection.code}/second/", {"confirm": "yes"})
    assert response.status_code == 403
    rejection.refresh_from_db()
    assert rejection.status == "in_review" and rejection.pending_action == "reject"

    client.logout()
    sign_in(client, "tom@example.org")  # a reviewer nowhere, admin of the NHS trust
    response = client.post(f"/credentials/review/{rejection.code}/second/", {"confirm": "yes"})
    assert response.status_code == 404
    rejection.refresh_from_db()
    assert rejection.pending_action == "reject"


def test_a_database_seeded_before_kavya_gets_priyas_proposals_once() -> None:
    seed()
    # As on a database from before this step: no proposal by Priya yet.
    ReviewEvent.objects.filter(
        actor__email="priya@example.org", action__in=("rejection_proposed", "revocation_proposed")
    ).delete()
    Credential.objects.filter(
        pending_by__email="priya@example.org", pending_action="reject"
    ).update(status="submitted", reviewer=None)
    Credential.objects.filter(pending_by__email="priya@example.org").update(
        pending_action="", pending_by=None, pending_reason="", pending_at=None
    )
    organizations = {organization.slug: organization for organization in Organization.objects.all()}
    assert seed_four_eyes(organizations=organizations) == 2
    assert seed_four_eyes(organizations=organizations) == 0
    assert ("reject", "priya@example.org", "indus-ims") in proposals()
    assert ("revoke", "priya@example.org", "indus-ims") in proposals()
