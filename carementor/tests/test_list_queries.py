"""Lists of the notifications and organizations apps: the number of queries a page or API
request runs does not grow with its rows (N rows, then 3N), and stays within the budget."""

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from carementor.lib.testing import add_member, assert_flat_queries, make_user
from carementor.notifications.services import notify
from carementor.organizations.models import Invitation

_serial = itertools.count()


def _notifications(user: Any) -> Callable[[int], Any]:
    def add(k: int) -> None:
        for _ in range(k):
            notify([user], "x", context={"title": f"Note {next(_serial)}"})

    return add


def _members(organization: Any) -> Callable[[int], Any]:
    def add(k: int) -> None:
        for _ in range(k):
            n = next(_serial)
            add_member(make_user(f"member{n}@example.org", full_name=f"Member {n}"), organization)

    return add


def _invitations(organization: Any, by: Any) -> Callable[[int], Any]:
    def add(k: int) -> None:
        for _ in range(k):
            Invitation.objects.create(
                organization=organization,
                email=f"invitee{next(_serial)}@example.org",
                roles=["mentor"],
                invited_by=by,
                expires_at=timezone.now() + timedelta(days=7),
            )

    return add


CASES = {
    "notifications api": lambda h, a: ("/api/v1/notifications", a, _notifications(a)),
    "notifications page": lambda h, a: ("/notifications/", a, _notifications(a)),
    "members api": lambda h, a: (f"/api/v1/organizations/{h.code}/members", a, _members(h)),
    "members page": lambda h, a: (f"/organizations/{h.code}/members/", a, _members(h)),
    "invitations api": lambda h, a: (
        f"/api/v1/organizations/{h.code}/invitations",
        a,
        _invitations(h, a),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_list_queries_do_not_grow(case, login, hospital, org_admin):  # type: ignore[no-untyped-def]
    url, user, add = CASES[case](hospital, org_admin)
    client = login(user)
    assert_flat_queries(lambda: client.get(url), add)
