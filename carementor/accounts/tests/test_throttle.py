"""Login throttling: shared across processes, per account and address, progressive, with an
unlock link for the owner, every lockout audited."""

import re

import pytest
import time_machine
from django.core import mail
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from carementor.accounts import throttle
from carementor.audit.models import AuditEvent
from carementor.lib.testing import PASSWORD

TABLE = "carementor_throttle_cache"


def attempt(client, email, password, ip="203.0.113.7"):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _redis_caches() -> tuple[RedisCache, RedisCache]:
    import redis

    url = "redis://127.0.0.1:6379/8"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("No Redis on 127.0.0.1:6379 for the Redis variant.")
    params = {"KEY_PREFIX": "cm-rights-test"}
    return RedisCache(url, params), RedisCache(url, params)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["database", "redis"])
def test_the_limit_holds_across_two_processes(backend):
    # Two independent cache clients stand for two web processes: nothing is shared between
    # them except the database (or Redis) behind them.
    if backend == "database":
        first, second = DatabaseCache(TABLE, {}), DatabaseCache(TABLE, {})
    else:
        first, second = _redis_caches()
    a, b = throttle.LoginThrottle(first), throttle.LoginThrottle(second)
    a.clear("account", "asha@example.org")
    try:
        assert [a.fail("account", "asha@example.org", 5) for _ in range(3)] == [None] * 3
        assert b.fail("account", "asha@example.org", 5) is None
        lock = b.fail("account", "asha@example.org", 5)
        assert lock == throttle.Lock(scope="account", seconds=60, level=1)
        # Locked for the other process too, after only five failures in all.
        assert a.locked_until("account", "ASHA@example.org") is not None
        assert a.locked_until("account", "vikram@example.org") is None
    finally:
        a.clear("account", "asha@example.org")


@pytest.mark.django_db
def test_the_cache_keys_hold_no_address():
    throttle.throttle().fail("account", "asha@example.org", 5)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {TABLE}")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("asha" in key for key in keys)


def test_lockout_is_audited_mailed_and_progressive(client, mentee):
    for _ in range(5):
        assert (
            "Too many failed"
            not in attempt(client, mentee.email, "wrong-password-1").content.decode()
        )
    refused = attempt(client, mentee.email, PASSWORD)
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert (event.actor, event.subject, event.outcome, event.ip) == (
        None,
        mentee,
        "denied",
        "203.0.113.7",
    )
    assert event.detail == {"scope": "account", "seconds": 60, "level": 1}
    (message,) = mail.outbox
    assert message.to == [mentee.email] and "paused for 1 minutes" in message.body
    # After the minute, five more failures lock it for twice as long.
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        for _ in range(5):
            attempt(client, mentee.email, "wrong-password-2")
        assert AuditEvent.objects.filter(action="auth.locked_out").first().detail == {
            "scope": "account",
            "seconds": 120,
            "level": 2,
        }


def test_the_owner_signs_in_past_the_lock_with_the_mailed_link(client, mentee):
    for _ in range(5):
        attempt(client, mentee.email, "wrong-password-1", ip="198.51.100.66")
    link = re.search(r"http://\S+/security/unlock/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("8000", 1)[-1] if "8000" in link.group(0) else link.group(0)
    path = path[path.index("/security/") :]
    # The owner, elsewhere, is refused until they use the link.
    assert attempt(client, mentee.email, PASSWORD).status_code == 200
    assert "Continue to sign in" in client.get(path).content.decode()
    assert client.post(path).status_code == 302
    response = attempt(client, mentee.email, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(mentee.pk)
    assert AuditEvent.objects.filter(action="auth.unlock_used", subject=mentee).count() == 1
    # The attacker's browser, without the link, is still refused.
    client.logout()
    assert attempt(client, mentee.email, PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_forged_or_stale_link_does_nothing(client):
    response = client.get("/security/unlock/not-a-token/")
    assert response.status_code == 404
    assert client.post("/security/unlock/not-a-token/").status_code == 404


def test_one_address_trying_many_accounts_is_locked(client, mentee):
    for number in range(throttle.ADDRESS_FAILURES):
        attempt(client, f"guess{number}@example.org", "wrong-password-1", ip="192.0.2.9")
    # The right password for a real account is refused from that address...
    assert attempt(client, mentee.email, PASSWORD, ip="192.0.2.9").status_code == 200
    event = AuditEvent.objects.get(action="auth.locked_out", detail__scope="address")
    assert (event.subject, event.ip) == (None, "192.0.2.9")
    # ...and accepted from another.
    assert attempt(client, mentee.email, PASSWORD, ip="192.0.2.10").status_code == 302
