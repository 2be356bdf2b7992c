"""Users in the Django admin: search, and deactivation through the service."""

import pytest
from django.test import Client

from carementor.accounts.models import PersonalAccessToken
from carementor.accounts.services import token_create
from carementor.audit.models import AuditEvent
from carementor.lib.testing import give_mfa, make_user


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    user = make_user("root@carementor.example", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


def test_users_are_searchable(login, superuser, mentee, mentor):
    html = login(superuser).get("/admin/accounts/user/", {"q": "vikram"}).content.decode()
    assert "vikram@example.org" in html and "asha@example.org" not in html


def test_deactivate_ends_sessions_and_tokens_and_is_audited(login, superuser, mentee):
    elsewhere = Client()
    elsewhere.force_login(mentee)
    token, raw = token_create(mentee, "script")
    response = login(superuser).post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [mentee.pk]},
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert not mentee.is_active
    assert elsewhere.get("/dashboard/").status_code == 302  # signed out, sent to sign in
    assert PersonalAccessToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    event = AuditEvent.objects.get(action="account.deactivated")
    assert (event.actor, event.subject) == (superuser, mentee)
    assert event.detail == {"sessions_ended": 1, "tokens_revoked": 1}


def test_is_active_and_email_are_read_only(login, superuser, mentee):
    client = login(superuser)
    client.post(
        f"/admin/accounts/user/{mentee.pk}/change/",
        {
            "full_name": "Asha R",
            "timezone": "UTC",
            "language": "",
            "email": "evil@example.org",
            "is_active": "",
        },
    )
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.email, mentee.is_active) == (
        "Asha R",
        "asha@example.org",
        True,
    )
    assert AuditEvent.objects.filter(action="account.changed_in_admin", subject=mentee).exists()
