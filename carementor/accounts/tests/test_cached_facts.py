"""Roles and "has MFA" are cached per person; every change to them counts at once."""

from allauth.mfa.models import Authenticator

from carementor.accounts.facts import cached_fact, refresh_access_stamp
from carementor.accounts.mfa import privileged_without_mfa
from carementor.accounts.models import User
from carementor.lib.testing import give_mfa, make_user, queries_of
from carementor.organizations.models import Membership
from carementor.organizations.services import membership_remove, membership_set_roles


def fresh(user: User) -> User:
    """The user as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_a_fact_is_computed_once_per_stamp(db):
    user = make_user("neha@example.org")
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_fact(fresh(user), "n", compute) == 1
    assert cached_fact(fresh(user), "n", compute) == 1
    refresh_access_stamp(user.pk)
    assert cached_fact(fresh(user), "n", compute) == 2
    assert len(calls) == 2


def test_a_warm_request_asks_nothing_about_roles_or_mfa(db, hospital):
    user = make_user("neha@example.org")
    Membership.objects.create(user=user, organization=hospital, is_coordinator=True)
    give_mfa(user)
    assert privileged_without_mfa(fresh(user)) is False
    loaded = fresh(user)
    count, result = queries_of(lambda: privileged_without_mfa(loaded))
    assert (count, result) == (0, False)


def test_adding_mfa_stops_the_redirect_on_the_next_request(client, hospital, bearer):
    user = make_user("neha@example.org")
    Membership.objects.create(user=user, organization=hospital, is_coordinator=True)
    headers = bearer(user)
    client.force_login(user)
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"
    assert client.get("/api/v1/tokens", **headers).json()["code"] == "mfa_required"
    give_mfa(fresh(user))  # another object than the one the requests loaded
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/tokens", **headers).status_code == 200


def test_removing_mfa_brings_the_redirect_back(client, hospital):
    user = make_user("neha@example.org")
    Membership.objects.create(user=user, organization=hospital, is_admin=True)
    authenticator = give_mfa(user)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    Authenticator.objects.filter(pk=authenticator.pk).delete()
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"


def test_a_new_privileged_role_requires_mfa_on_the_next_request(client, hospital, bearer):
    user = make_user("neha@example.org")
    membership = Membership.objects.create(user=user, organization=hospital)
    headers = bearer(user)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/tokens", **headers).status_code == 200
    membership = Membership.objects.get(pk=membership.pk)  # no user object attached
    membership.is_reviewer = True
    membership.save()
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"
    assert client.get("/api/v1/tokens", **headers).json()["code"] == "mfa_required"


def test_losing_a_coordinator_role_removes_access_at_once(client, hospital, org_admin, bearer):
    from carementor.programs.tests.conftest import make_program

    draft = make_program(hospital, name="Draft scheme", status="draft")
    user = make_user("neha@example.org")
    give_mfa(user)
    membership = Membership.objects.create(user=user, organization=hospital, is_coordinator=True)
    headers = bearer(user)
    client.force_login(user)
    assert client.get(f"/programs/{draft.code}/edit/").status_code == 200
    assert client.get(f"/api/v1/programs/{draft.code}/enrollments", **headers).status_code == 200
    membership_set_roles(membership, ["mentor"], org_admin)
    # A draft is hidden from members who do not manage it: 404, page and API.
    assert client.get(f"/programs/{draft.code}/edit/").status_code == 404
    assert client.get(f"/api/v1/programs/{draft.code}/enrollments", **headers).status_code == 404


def test_leaving_an_organization_hides_its_programmes_at_once(client, hospital, bearer):
    from carementor.programs.tests.conftest import make_program

    program = make_program(hospital)
    user = make_user("neha@example.org")
    membership = Membership.objects.create(user=user, organization=hospital)
    headers = bearer(user)
    client.force_login(user)
    assert client.get(f"/programs/{program.code}/").status_code == 200
    assert client.get(f"/api/v1/programs/{program.code}", **headers).status_code == 200
    membership_remove(membership, user)
    assert client.get(f"/programs/{program.code}/").status_code == 404
    assert client.get(f"/api/v1/programs/{program.code}", **headers).status_code == 404


def test_a_new_reviewer_sees_the_review_queue_link_at_once(client, hospital, org_admin):
    user = make_user("neha@example.org")
    give_mfa(user)
    membership = Membership.objects.create(user=user, organization=hospital)
    client.force_login(user)
    assert "Review queue" not in client.get("/dashboard/").content.decode()
    membership_set_roles(membership, ["reviewer"], org_admin)
    assert "Review queue" in client.get("/dashboard/").content.decode()


def test_the_stamp_changes_in_the_same_transaction_as_the_membership(db, hospital):
    user = make_user("neha@example.org")
    before = fresh(user).access_stamp
    membership = Membership.objects.create(user=user, organization=hospital)
    after_create = fresh(user).access_stamp
    assert after_create != before
    assert user.access_stamp == after_create  # the object the membership was built with
    membership.delete()
    assert fresh(user).access_stamp not in (before, after_create)


def test_fixture_loading_does_not_touch_the_stamp(db, hospital):
    from carementor.accounts.facts import refresh_on_change

    user = make_user("neha@example.org")
    before = fresh(user).access_stamp
    refresh_on_change(Membership, Membership(user=user, organization=hospital), raw=True)
    assert fresh(user).access_stamp == before
    refresh_on_change(Membership, Membership(user=user, organization=hospital))
    assert fresh(user).access_stamp != before
