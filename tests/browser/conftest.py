import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from carementor.lib.testing import PASSWORD

pytestmark = pytest.mark.browser


def current_totp(user) -> str:  # type: ignore[no-untyped-def]
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def link_in(message, pattern: str) -> str:  # type: ignore[no-untyped-def]
    match = re.search(pattern, message.body)
    assert match, f"no link matching {pattern!r} in e-mail:\n{message.body}"
    return match.group(0)


@pytest.fixture(autouse=True)
def vocabularies(transactional_db):  # type: ignore[no-untyped-def]
    """Transactional tests flush every table afterwards, data-migration rows included, so
    browser tests load the vocabularies themselves (idempotently) instead of relying on order."""
    from django.apps import apps

    from carementor.profiles.data import load_vocabularies

    load_vocabularies(apps, None)


# Where a correct password leads: the dashboard, or the authenticator-code page first.
AFTER_PASSWORD = re.compile(r"/(dashboard|accounts/2fa/authenticate)/")


def answer_code(page, user) -> None:  # type: ignore[no-untyped-def]
    """Type the authenticator code. allauth refuses a code used once already (another sign-in
    of the same person in this 30-second step) and the form comes back: then wait for the
    next step's code and type that, as a person would."""
    for _ in range(3):
        page.fill("input[name=code]", current_totp(user))
        with page.expect_navigation():  # the form posts either way: onwards, or back here
            page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        if "/accounts/2fa/authenticate/" not in page.url:
            return
        time.sleep(30 - time.time() % 30 + 0.5)


@pytest.fixture
def sign_in(page, live_server):  # type: ignore[no-untyped-def]
    """Sign in through the real login form, answering the MFA prompt when there is one."""

    def _sign_in(user, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", password)
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        # Wait for where the form leads: reading page.url straight after the click may still
        # see the login page and skip the code.
        page.wait_for_url(AFTER_PASSWORD)
        if "/accounts/2fa/authenticate/" in page.url:
            answer_code(page, user)
        page.wait_for_url(re.compile(r"/dashboard/"))

    return _sign_in


def pick(page, legend: str, query: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Tick ``option`` in the profile form's searchable picker headed ``legend``: type
    ``query``, wait for the matches to arrive, then tick it (a checkbox or a radio)."""
    group = page.get_by_role("group", name=legend)
    with page.expect_response(lambda response: "/profiles/me/options/" in response.url):
        group.get_by_role("searchbox").fill(query)
    group.get_by_label(option).first.check()
