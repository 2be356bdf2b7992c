"""Two people acting at once: the locks must keep the invariants. PostgreSQL only, where rows
really lock; SQLite serialises whole transactions and would prove nothing."""

import pytest
from django.db import connection

from carementor.lib.testing import add_member, make_user, race
from carementor.organizations import services
from carementor.organizations.models import Membership

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


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
