"""Sessions end after SESSION_COOKIE_AGE seconds without a request."""

from datetime import timedelta

import time_machine
from django.conf import settings

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_idle_limit_is_refreshed_on_every_request():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def test_an_idle_session_is_no_longer_valid(client, mentee):
    with time_machine.travel("2026-03-01 09:00Z", tick=False) as traveller:
        client.force_login(mentee)
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(IDLE + timedelta(seconds=1))
        response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_activity_keeps_the_session_alive(client, mentee):
    with time_machine.travel("2026-03-01 09:00Z", tick=False) as traveller:
        client.force_login(mentee)
        for _ in range(3):
            traveller.shift(IDLE - timedelta(minutes=1))
            assert client.get("/dashboard/").status_code == 200


def test_an_idle_session_no_longer_authenticates_the_api(client, mentee):
    with time_machine.travel("2026-03-01 09:00Z", tick=False) as traveller:
        client.force_login(mentee)
        assert client.get("/api/v1/me").status_code == 200
        traveller.shift(IDLE + timedelta(seconds=1))
        assert client.get("/api/v1/me").status_code == 401
