from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.accounts.services import MAX_ACTIVE_TOKENS, token_create, token_revoke
from carementor.audit.models import AuditEvent


@pytest.mark.django_db
def test_it_needs_sign_in(client):
    response = client.get("/settings/tokens/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/tokens/"


def test_it_lists_my_tokens_with_their_status(login, mentee, outsider):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        token_create(mentee, "expired script", timezone.now() + timedelta(days=1))
        revoked, _ = token_create(mentee, "revoked script")
        token_revoke(revoked, mentee)
        token_create(mentee, "nightly export", timezone.now() + timedelta(days=90))
    token_create(outsider, "outsider script")
    with time_machine.travel("2026-03-10 09:00Z", tick=False):
        response = login(mentee).get("/settings/tokens/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert "nightly export" in html and "expired script" in html and "revoked script" in html
    assert "outsider script" not in html
    assert html.count('class="badge ok">Active<') == 1
    assert html.count('class="badge warn">Expired<') == 1
    assert html.count('class="badge">Revoked<') == 1
    # Dates appear in the person's own timezone (Asia/Kolkata is UTC+5:30).
    assert "1 Mar 2026 14:30" in html
    assert "30 May 2026" in html
    # Only the active token can be revoked.
    assert html.count("/revoke/") == 1


def test_it_shows_an_empty_state(login, mentee):
    response = login(mentee).get("/settings/tokens/")
    assert "You have no API tokens." in response.content.decode()


def test_creating_shows_the_token_once(login, mentee):
    client = login(mentee)
    response = client.post(
        "/settings/tokens/", {"name": "reporting script", "expires_in_days": "30"}
    )
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(user=mentee)
    html = response.content.decode()
    raw = html.split('<p class="token" id="new-token">')[1].split("</p>")[0]
    assert token.token_hash == hash_token(raw)
    assert "Copy it now. You will not be able to see it again." in html
    assert token.name == "reporting script"
    assert token.expires_at is not None
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert AuditEvent.objects.filter(action="token.created", actor=mentee).count() == 1
    # The next visit does not show it again.
    assert raw not in client.get("/settings/tokens/").content.decode()


def test_creating_without_expiry(login, mentee):
    login(mentee).post("/settings/tokens/", {"name": "cron", "expires_in_days": ""})
    assert PersonalAccessToken.objects.get(user=mentee).expires_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 101}, "Ensure this value has at most 100 characters"),
        ({"name": "ok", "expires_in_days": "0"}, "greater than or equal to 1"),
        ({"name": "ok", "expires_in_days": "400"}, "less than or equal to 366"),
        ({"name": "ok", "expires_in_days": "soon"}, "Enter a whole number."),
    ],
)
def test_bad_input_is_422_and_creates_nothing(login, mentee, data, message):
    response = login(mentee).post("/settings/tokens/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PersonalAccessToken.objects.exists()
    assert not AuditEvent.objects.filter(action="token.created").exists()


def test_too_many_tokens_is_explained(login, mentee):
    for number in range(MAX_ACTIVE_TOKENS):
        token_create(mentee, f"script {number}")
    response = login(mentee).post("/settings/tokens/", {"name": "one more"})
    assert response.status_code == 409
    assert f"You already have {MAX_ACTIVE_TOKENS} active tokens" in response.content.decode()
    assert PersonalAccessToken.objects.filter(user=mentee).count() == MAX_ACTIVE_TOKENS


def test_the_list_is_paginated(login, mentee):
    for number in range(25):
        token, _ = token_create(mentee, f"script {number:02}")
        token_revoke(token, mentee)
    client = login(mentee)
    first = client.get("/settings/tokens/").content.decode()
    second = client.get("/settings/tokens/?page=2").content.decode()
    assert "Page 1 of 2" in first and "script 24" in first and "script 04" not in first
    assert "Page 2 of 2" in second and "script 04" in second and "script 24" not in second


def test_the_list_does_not_grow_queries(login, mentee, django_assert_max_num_queries):
    client = login(mentee)
    token_create(mentee, "one")
    with django_assert_max_num_queries(12) as few:
        client.get("/settings/tokens/")
    for number in range(15):
        token_create(mentee, f"script {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/settings/tokens/")


# --- revoke ------------------------------------------------------------------------------


def test_revoking_my_token(login, mentee):
    token, raw = token_create(mentee, "script")
    client = login(mentee)
    response = client.post(f"/settings/tokens/{token.code}/revoke/", follow=True)
    assert response.redirect_chain == [("/settings/tokens/", 302)]
    assert "Token “script” revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoked", target_id=token.code).count() == 1
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_revoking_needs_post(login, mentee):
    token, _ = token_create(mentee, "script")
    assert login(mentee).get(f"/settings/tokens/{token.code}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_is_404(login, mentee, outsider):
    theirs, _ = token_create(outsider, "outsider script")
    response = login(mentee).post(f"/settings/tokens/{theirs.code}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEvent.objects.filter(action="token.revoked").exists()


@pytest.mark.django_db
def test_anonymous_revoke_goes_to_sign_in(client, mentee):
    token, _ = token_create(mentee, "script")
    response = client.post(f"/settings/tokens/{token.code}/revoke/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    token.refresh_from_db()
    assert token.revoked_at is None
