"""Fixtures for credential tests, on top of the named cast in the root conftest."""

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Every test stores evidence in its own empty folder, so 'nothing stored' is checkable."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.CAREMENTOR_CLAMD_SOCKET = ""
    settings.CAREMENTOR_CLAMD_HOST = ""
    settings.CAREMENTOR_NPPES_ENABLED = ""
    return root


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run on_commit callbacks (e-mail tasks, file removal) as the block exits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def second_reviewer(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("sunita@example.org", full_name="Sunita Rao", timezone="Asia/Kolkata")
    add_member(user, hospital, "reviewer")
    return user


@pytest.fixture
def api(client):  # type: ignore[no-untyped-def]
    """api(user) → a client signed in as that person, for JSON calls."""

    def _api(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _api
