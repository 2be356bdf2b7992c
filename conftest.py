"""The named cast every test can use, and browser-test plumbing."""

import os
import shutil

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's async loop and Django's sync ORM live side by side in browser tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Rate-limit counters live in the cache; no test may inherit another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _vocabularies_present(request: pytest.FixtureRequest) -> None:
    """The controlled vocabularies are data-migration rows, and every transactional test
    (browser, concurrency) flushes all tables when it ends. Whatever ran before, a test that
    uses the database finds the vocabularies loaded (one cheap query when they are)."""
    if not (
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from carementor.profiles.data import load_vocabularies
    from carementor.profiles.models import Country

    if not Country.objects.exists():
        load_vocabularies(apps, None)
    from carementor.evaluations.instruments import instruments_present, load_instruments

    if not instruments_present():
        load_instruments(apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium, never a downloaded browser."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CAREMENTOR_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (CAREMENTOR_REQUIRE_BROWSER=1) but not installed.")
        pytest.skip("Browser tests skipped: install Debian's chromium package to run them.")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- The named cast ----------------------------------------------------------------------
# Two organizations. Everyone but the outsider is in the teaching hospital; the outsider is
# an org admin of the NHS trust, so they are privileged but must never see hospital data.


@pytest.fixture
def hospital(db):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import make_organization

    return make_organization("Chennai Children's Teaching Hospital", slug="chennai-childrens")


@pytest.fixture
def trust(db):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import make_organization

    return make_organization(
        "Leeds Teaching Hospitals NHS Trust",
        slug="leeds-trust",
        country="GB",
        timezone="Europe/London",
    )


@pytest.fixture
def mentee(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("asha@example.org", full_name="Asha Raman", timezone="Asia/Kolkata")
    add_member(user, hospital)
    return user


@pytest.fixture
def mentor(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("vikram@example.org", full_name="Vikram Mehta", timezone="Asia/Kolkata")
    add_member(user, hospital, "mentor")
    return user


@pytest.fixture
def coordinator(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("mary@example.org", full_name="Mary Thomas", timezone="Asia/Kolkata")
    add_member(user, hospital, "coordinator")
    return user


@pytest.fixture
def reviewer(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("priya@example.org", full_name="Priya Nair", timezone="Asia/Kolkata")
    add_member(user, hospital, "reviewer")
    return user


@pytest.fixture
def org_admin(hospital):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("admin@example.org", full_name="Rohan Iyer", timezone="Asia/Kolkata")
    add_member(user, hospital, "admin")
    return user


@pytest.fixture
def outsider(trust):  # type: ignore[no-untyped-def]
    from carementor.lib.testing import add_member, make_user

    user = make_user("tom@example.org", full_name="Tom Hughes", timezone="Europe/London")
    add_member(user, trust, "admin", "coordinator", "reviewer", "mentor")
    return user


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """login(user) signs the test client in as that person (MFA already satisfied)."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login
