"""Two people acting at once: the locks must keep the invariants. PostgreSQL only, where rows
really lock; SQLite serialises whole transactions and would prove nothing."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from carementor.lib.testing import add_member, make_user
from carementor.organizations import services
from carementor.organizations.models import Membership

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return each result or exception."""
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
        thread.join(timeout=30)
    return results


def test_two_admins_demoting_each_other_leave_one_admin(hospital, org_admin):
    second = make_user("second.admin@example.org")
    add_member(second, hospital, "admin")
    mine = Membership.objects.get(user=org_admin)
    theirs = Membership.objects.get(user=second)
    results = race(
        lambda: services.membership_set_roles(theirs, [], org_admin),
        lambda: services.membership_set_roles(mine, [], second),
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results
    assert Membership.objects.filter(organization=hospital, is_admin=True).count() == 1


def test_double_accept_makes_one_membership(invitation):
    neha = make_user("neha.kapoor@example.org")
    results = race(
        lambda: services.invitation_accept(invitation, neha),
        lambda: services.invitation_accept(invitation, neha),
    )
    assert sum(isinstance(r, services.Conflict) for r in results) == 1, results
    assert Membership.objects.filter(user=neha).count() == 1
