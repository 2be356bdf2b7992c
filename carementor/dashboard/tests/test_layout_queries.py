"""The layout (navigation, MFA check, current organization) asks the database a fixed number
of questions, whatever the number of memberships and notifications, and none about roles or
MFA once they are cached."""

from datetime import timedelta

import time_machine

from carementor.lib.testing import give_mfa, make_organization, queries_of
from carementor.notifications.models import Notification
from carementor.organizations.models import Membership
from carementor.programs.tests.conftest import make_program


def _more(user, start: list[int]):  # type: ignore[no-untyped-def]
    """add_rows(k): k more organizations the person belongs to (with roles) and k more
    unread notifications."""

    def add(k: int) -> None:
        for _ in range(k):
            start[0] += 1
            organization = make_organization(f"Clinic {start[0]}", slug=f"clinic-{start[0]}")
            Membership.objects.create(
                user=user, organization=organization, is_reviewer=True, is_coordinator=True
            )
            Notification.objects.create(recipient=user, kind="test", title=f"Note {start[0]}")

    return add


def assert_flat_warm_queries(request, add_rows, most: int) -> None:  # type: ignore[no-untyped-def]
    """Like but each count is of a second request after adding rows:
    the first one after a membership change recomputes the person's cached roles."""
    counts = []
    for k in (2, 4):
        add_rows(k)
        request()
        count, response = queries_of(request)
        assert response.status_code == 200
        counts.append(count)
    assert counts[1] <= counts[0], f"{counts[0]} queries with 2 rows but {counts[1]} with 6"
    assert counts[1] <= most, f"{counts[1]} queries in one request (at most {most})"


def test_the_dashboard_does_not_grow_with_memberships_or_notifications(client, mentee):
    give_mfa(mentee)
    client.force_login(mentee)
    assert_flat_warm_queries(lambda: client.get("/dashboard/"), _more(mentee, [0]), most=15)


def test_the_programme_page_does_not_grow_with_memberships_or_notifications(
    client, mentee, hospital
):
    program = make_program(hospital)
    give_mfa(mentee)
    client.force_login(mentee)
    assert_flat_warm_queries(
        lambda: client.get(f"/programs/{program.code}/"), _more(mentee, [0]), most=12
    )


def test_a_warm_page_asks_nothing_about_roles_or_mfa(client, coordinator, hospital):
    program = make_program(hospital)
    client.force_login(coordinator)
    client.get(f"/programs/{program.code}/")
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections["default"]) as captured:
        response = client.get(f"/programs/{program.code}/")
    assert response.status_code == 200
    asked = " ".join(query["sql"] for query in captured.captured_queries)
    assert "organizations_membership" not in asked
    assert "mfa_authenticator" not in asked
    assert "Review queue" not in response.content.decode()


def test_an_unchanged_session_is_written_at_most_every_30_seconds(client, mentee):
    with time_machine.travel("2026-03-01 09:00Z", tick=False) as traveller:
        client.force_login(mentee)
        client.get("/dashboard/")

        def session_writes() -> int:
            from django.db import connections
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connections["default"]) as captured:
                assert client.get("/dashboard/").status_code == 200
            return sum(
                1
                for query in captured.captured_queries
                if query["sql"].startswith(("UPDATE", "INSERT"))
                and "django_session" in query["sql"]
            )

        traveller.shift(timedelta(seconds=10))
        assert session_writes() == 0
        traveller.shift(timedelta(seconds=25))
        assert session_writes() == 1
        traveller.shift(timedelta(seconds=5))
        assert session_writes() == 0


def test_a_changed_session_is_saved_at_once(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carementor.accounts.sessions import SessionStore

    def queries_of(call):  # type: ignore[no-untyped-def]
        # Every statement: the shared helper leaves session refreshes out on purpose.
        with CaptureQueriesContext(connection) as captured:
            call()
        return len(captured.captured_queries), None

    created = SessionStore()
    created["choice"] = "first"
    created.save()
    unchanged = SessionStore(created.session_key)
    assert unchanged["choice"] == "first"
    writes, _ = queries_of(unchanged.save)
    assert writes == 0
    changed = SessionStore(created.session_key)
    changed["choice"] = "second"
    writes, _ = queries_of(changed.save)
    assert writes >= 1
    assert SessionStore(created.session_key)["choice"] == "second"


def test_the_mentoring_page_links_oversight_only_while_the_role_lasts(
    client, coordinator, hospital, org_admin
):
    from carementor.organizations.services import membership_set_roles

    client.force_login(coordinator)
    assert "Relationship health" in client.get("/mentorships/").content.decode()
    membership = Membership.objects.get(user=coordinator, organization=hospital)
    membership_set_roles(membership, ["mentor"], org_admin)
    count, response = queries_of(lambda: client.get("/mentorships/"))
    assert "Relationship health" not in response.content.decode()
    client.get("/mentorships/")
    warm, _ = queries_of(lambda: client.get("/mentorships/"))
    assert warm < count  # the roles came from the cache, the oversight list was not asked
