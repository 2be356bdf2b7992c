"""Explicit test-data helpers with sensible defaults (no fixture files)."""

import threading
from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.db import connections

from carementor.accounts.models import User
from carementor.organizations.models import Membership, Organization

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, *, full_name: str = "", password: str = PASSWORD, **extra: Any) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def give_mfa(user: User) -> Authenticator:
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
) -> Organization:
    return Organization.objects.create(
        name=name, slug=slug, kind=kind, country=country, timezone=timezone
    )


def add_member(user: User, organization: Organization, *roles: str) -> Membership:
    membership = Membership(user=user, organization=organization)
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
