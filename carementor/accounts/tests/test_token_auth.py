"""Personal access tokens authenticate API calls until they are revoked or expire."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from carementor.accounts.models import PersonalAccessToken
from carementor.accounts.services import token_create, token_revoke


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_authenticates_as_its_owner(client, mentee):
    _token, raw = token_create(mentee, "script")
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json()["code"] == mentee.code


def test_a_token_does_not_open_pages(client, mentee):
    # Tokens are for the API; pages still need a signed-in session.
    _token, raw = token_create(mentee, "script")
    response = client.get("/dashboard/", **bearer(raw))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_revoked_token_stops_at_once(client, mentee):
    token, raw = token_create(mentee, "script")
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    token_revoke(token, mentee)
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_an_expired_token_is_refused(client, mentee):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        _token, raw = token_create(mentee, "script", timezone.now() + timedelta(days=7))
    with time_machine.travel("2026-03-08 08:59Z", tick=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    with time_machine.travel("2026-03-08 09:01Z", tick=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_deactivated_account_cannot_use_its_token(client, mentee):
    _token, raw = token_create(mentee, "script")
    mentee.is_active = False
    mentee.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_made_up_and_malformed_tokens_are_refused(client, mentee):
    _token, raw = token_create(mentee, "script")
    for header in (f"Bearer {raw}x", "Bearer cm_nothing", f"Token {raw}", raw, "Bearer "):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_use_is_recorded_at_most_once_a_minute(client, mentee):
    token, raw = token_create(mentee, "script")
    with time_machine.travel("2026-03-01 09:00:00Z", tick=False):
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at == timezone.now()
    with time_machine.travel("2026-03-01 09:00:30Z", tick=False):
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at.isoformat() == "2026-03-01T09:00:00+00:00"
    with time_machine.travel("2026-03-01 09:02:00Z", tick=False):
        client.get("/api/v1/me", **bearer(raw))
        token.refresh_from_db()
        assert token.last_used_at.isoformat() == "2026-03-01T09:02:00+00:00"


def test_only_the_hash_is_stored(mentee):
    _token, raw = token_create(mentee, "script")
    assert not PersonalAccessToken.objects.filter(token_hash=raw).exists()
    assert not PersonalAccessToken.objects.filter(prefix=raw).exists()
