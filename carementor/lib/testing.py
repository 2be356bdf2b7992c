"""Explicit test-data helpers with sensible defaults (no fixture files)."""

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections

if TYPE_CHECKING:  # types only: lib imports no domain app at run time
    from carementor.accounts.models import User
    from carementor.organizations.models import Membership, Organization

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, *, full_name: str = "", password: str = PASSWORD, **extra: Any) -> "User":
    manager: Any = get_user_model().objects
    user: User = manager.create_user(email=email, password=password, full_name=full_name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def give_mfa(user: "User") -> Authenticator:
    """Enrol the user in TOTP, as if they had scanned the QR code."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": generate_totp_secret()}
    )


def make_organization(
    name: str,
    *,
    slug: str,
    kind: str = "hospital",
    country: str = "IN",
    timezone: str = "Asia/Kolkata",
) -> "Organization":
    return apps.get_model("organizations", "Organization").objects.create(
        name=name, slug=slug, kind=kind, country=country, timezone=timezone
    )


def add_member(user: "User", organization: "Organization", *roles: str) -> "Membership":
    membership = apps.get_model("organizations", "Membership")(user=user, organization=organization)
    membership.set_roles(roles)
    membership.save()
    if membership.is_privileged():
        give_mfa(user)
    return membership


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls in threads released together by a barrier; return each one's result or
    the exception it raised. For PostgreSQL-only concurrency tests (each thread has its own
    connection, closed at the end); SQLite serialises whole transactions and proves nothing."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def queries_of(call: Callable[[], Any]) -> tuple[int, Any]:
    """How many queries ``call`` runs on the default database, and what it returned.
    Savepoints are left out: inside a test's transaction every ``atomic`` block adds two,
    where production opens a transaction without a statement. So is the session store's
    refresh of an unchanged session's expiry, which happens at most every 30 seconds whatever
    the page (carementor.accounts.sessions): on a slow machine it would land in one of two
    otherwise equal requests."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections["default"]) as captured:
        result = call()
    statements = [q["sql"] for q in captured.captured_queries]
    return sum(
        1
        for sql in statements
        if "SAVEPOINT" not in sql[:40].upper()
        and not sql.startswith(('UPDATE "django_session"', "UPDATE `django_session`"))
    ), result


def assert_flat_queries(
    request: Callable[[], Any],
    add_rows: Callable[[int], Any],
    *,
    n: int = 2,
    most: int = 15,
) -> tuple[int, int]:
    """Fail when a list page or API runs more queries with more rows, or more than ``most``.

    ``add_rows(k)`` creates k more rows that the list shows; ``request()`` fetches the list
    (a test client call) and must answer 200. After one warm-up request, the list is fetched with N rows, then with 3N;
    the two counts must be equal and at most ``most``. Returns both counts."""
    add_rows(n)
    request()  # warm up: a first request after login may rotate the session
    small, response = queries_of(request)
    assert getattr(response, "status_code", 200) == 200, response
    add_rows(2 * n)
    large, response = queries_of(request)
    assert getattr(response, "status_code", 200) == 200, response
    assert large <= small, f"{small} queries with {n} rows but {large} with {3 * n}"
    assert large <= most, f"{large} queries in one request (at most {most})"
    return small, large
