import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.accounts.services import MAX_ACTIVE_TOKENS, token_create, token_revoke
from carementor.audit.models import AuditEvent


def post(client, body, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/tokens", data=json.dumps(body), content_type="application/json", **extra
    )


# --- GET /api/v1/tokens ------------------------------------------------------------------


def test_it_lists_my_tokens_newest_first_with_status(login, mentee, outsider):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        _old, _ = token_create(mentee, "old script", timezone.now() + timedelta(days=1))
    with time_machine.travel("2026-03-05 09:00Z", tick=False):
        revoked, _ = token_create(mentee, "revoked script")
        token_revoke(revoked, mentee)
    with time_machine.travel("2026-03-10 09:00Z", tick=False):
        current, _ = token_create(mentee, "current script")
    token_create(outsider, "someone else's")

    response = login(mentee).get("/api/v1/tokens")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(t["name"], t["status"]) for t in body["items"]] == [
        ("current script", "active"),
        ("revoked script", "revoked"),
        ("old script", "expired"),
    ]
    first = body["items"][0]
    assert first == {
        "code": current.code,
        "name": "current script",
        "prefix": current.prefix,
        "created_at": "2026-03-10T09:00:00Z",
        "last_used_at": None,
        "expires_at": None,
        "revoked_at": None,
        "status": "active",
    }
    assert "token" not in first and "token_hash" not in json.dumps(body)


def test_the_list_is_paginated(login, mentee):
    for number in range(25):
        token, _ = token_create(mentee, f"script {number}")
        token_revoke(token, mentee)
    client = login(mentee)
    page_one = client.get("/api/v1/tokens").json()
    page_two = client.get("/api/v1/tokens?page=2").json()
    assert (page_one["count"], len(page_one["items"]), len(page_two["items"])) == (25, 20, 5)


def test_listing_does_not_grow_queries_with_tokens(login, mentee, django_assert_max_num_queries):
    client = login(mentee)
    for number in range(15):
        token_create(mentee, f"script {number}")
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/tokens").json()["items"]) == 15


# --- POST /api/v1/tokens -----------------------------------------------------------------


def test_it_creates_a_token_and_shows_it_once(login, mentee):
    client = login(mentee)
    with time_machine.travel("2026-03-10 09:00Z", tick=False):
        response = post(client, {"name": "  reporting script ", "expires_in_days": 30})
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("cm_") and len(raw) > 40
    token = PersonalAccessToken.objects.get(user=mentee)
    assert body == {
        "code": token.code,
        "name": "reporting script",
        "prefix": raw[:10],
        "created_at": "2026-03-10T09:00:00Z",
        "last_used_at": None,
        "expires_at": "2026-04-09T09:00:00Z",
        "revoked_at": None,
        "status": "active",
        "token": raw,
    }
    # Only the hash is stored, and the list never shows the raw value again.
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert raw not in client.get("/api/v1/tokens").content.decode()
    event = AuditEvent.objects.get(action="token.created")
    assert (event.actor, event.target_id, event.outcome) == (mentee, token.code, "success")


def test_no_expiry_means_none(login, mentee):
    body = post(login(mentee), {"name": "cron"}).json()
    assert body["expires_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "ok", "expires_in_days": 0},
        {"name": "ok", "expires_in_days": 367},
        {"name": "ok", "expires_in_days": "soon"},
        {"name": "ok", "user": "someone-else"},
    ],
)
def test_bad_input_is_422_and_creates_nothing(login, mentee, body):
    response = post(login(mentee), body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not PersonalAccessToken.objects.exists()
    assert not AuditEvent.objects.filter(action="token.created").exists()


def test_a_token_cannot_create_tokens(client, mentee, bearer):
    headers = bearer(mentee)
    response = post(client, {"name": "child"}, **headers)
    assert response.status_code == 403
    assert response.json()["code"] == "session_required"
    assert PersonalAccessToken.objects.filter(user=mentee).count() == 1


def test_too_many_active_tokens_is_409(login, mentee):
    for number in range(MAX_ACTIVE_TOKENS):
        token_create(mentee, f"script {number}")
    response = post(login(mentee), {"name": "one more"})
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_tokens"
    assert PersonalAccessToken.objects.filter(user=mentee).count() == MAX_ACTIVE_TOKENS


def test_revoked_tokens_do_not_count_towards_the_cap(login, mentee):
    for number in range(MAX_ACTIVE_TOKENS):
        token, _ = token_create(mentee, f"script {number}")
    token_revoke(token, mentee)
    assert post(login(mentee), {"name": "one more"}).status_code == 201


@pytest.mark.django_db
def test_anonymous_cannot_create(client):
    assert post(client, {"name": "x"}).status_code == 401
    assert not PersonalAccessToken.objects.exists()


# --- DELETE /api/v1/tokens/{code} --------------------------------------------------------


def test_it_revokes_my_token(login, mentee):
    token, _ = token_create(mentee, "script")
    response = login(mentee).delete(f"/api/v1/tokens/{token.code}")
    assert response.status_code == 204
    assert response.content == b""
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="token.revoked")
    assert (event.actor, event.target_id) == (mentee, token.code)


def test_revoking_twice_is_harmless(login, mentee):
    token, _ = token_create(mentee, "script")
    client = login(mentee)
    assert client.delete(f"/api/v1/tokens/{token.code}").status_code == 204
    assert client.delete(f"/api/v1/tokens/{token.code}").status_code == 204
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


def test_a_token_can_revoke_itself(client, mentee):
    token, raw = token_create(mentee, "script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.delete(f"/api/v1/tokens/{token.code}", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_another_persons_token_is_404(login, mentee, outsider):
    theirs, _ = token_create(outsider, "outsider script")
    response = login(mentee).delete(f"/api/v1/tokens/{theirs.code}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": []}
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEvent.objects.filter(action="token.revoked").exists()


def test_an_unknown_code_is_404(login, mentee):
    assert login(mentee).delete("/api/v1/tokens/nosuchcode").status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1"])
def test_a_bad_page_is_422(login, mentee, page):
    response = login(mentee).get(f"/api/v1/tokens?page={page}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_page_past_the_end_is_empty(login, mentee):
    token_create(mentee, "script")
    body = login(mentee).get("/api/v1/tokens?page=9").json()
    assert body == {"items": [], "count": 1}
