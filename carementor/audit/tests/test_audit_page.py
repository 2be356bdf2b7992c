"""The audit page: admins see their organization's trail only, staff all; filters; CSV."""

import csv
import io

import pytest

from carementor.audit.models import AuditEvent
from carementor.audit.services import record


def url(organization):  # type: ignore[no-untyped-def]
    return f"/audit/organizations/{organization.code}/"


@pytest.fixture
def events(hospital, trust, mentee, mentor, outsider):  # type: ignore[no-untyped-def]
    record(mentee, "message.read", mentee, organization=hospital)
    record(mentor, "shared_note.read", mentor, organization=hospital)
    record(mentor, "membership.roles_changed", mentor, organization=hospital, detail={"x": "=1+1"})
    record(outsider, "message.read", outsider, organization=trust)


def test_an_admin_sees_their_organization_only(login, events, hospital, org_admin):
    html = login(org_admin).get(url(hospital)).content.decode()
    assert html.count("<code>message.read</code>") == 1
    assert "shared_note.read" in html and "Chennai" in html


def test_outsiders_and_members_without_the_role_get_nothing(
    login, events, hospital, outsider, coordinator, mentee
):
    assert login(outsider).get(url(hospital)).status_code == 404
    for user in (coordinator, mentee):
        assert login(user).get(url(hospital)).status_code == 403
        assert login(user).get("/audit/").status_code == 403


def test_filters_by_person_action_and_date(login, events, hospital, org_admin, mentor):
    client = login(org_admin)
    by_person = client.get(url(hospital), {"person": "vikram@example.org"}).content.decode()
    assert "shared_note.read" in by_person and "<code>message.read</code>" not in by_person
    by_action = client.get(url(hospital), {"action": "message."}).content.decode()
    assert "<code>message.read</code>" in by_action and "shared_note.read" not in by_action
    later = client.get(url(hospital), {"since": "2999-01-01"}).content.decode()
    assert "No events match." in later
    assert client.get(url(hospital), {"since": "not-a-date"}).status_code == 422


def test_csv_export_is_neutralized_and_audited(login, events, hospital, org_admin):
    response = login(org_admin).get(url(hospital), {"format": "csv", "action": "membership"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["at", "actor", "actor_label", "subject", "action"]
    (row,) = rows[1:]
    assert row[4] == "membership.roles_changed" and row[10] == "{'x': '=1+1'}"
    event = AuditEvent.objects.get(action="audit.exported")
    assert (event.actor, event.organization) == (org_admin, hospital)


def test_staff_see_the_whole_platform(login, events, django_user_model):
    from carementor.lib.testing import give_mfa, make_user

    staff = make_user("staff@example.org", is_staff=True)
    give_mfa(staff)
    html = login(staff).get("/audit/").content.decode()
    assert html.count("<code>message.read</code>") == 2


def test_the_list_is_paginated_in_constant_queries(
    login, hospital, org_admin, mentee, django_assert_max_num_queries
):
    for number in range(120):
        record(mentee, "message.read", mentee, organization=hospital, detail={"n": number})
    client = login(org_admin)
    client.get(url(hospital))
    with django_assert_max_num_queries(14):
        page = client.get(url(hospital), {"page": 2})
    assert "Page 2 of 3" in page.content.decode()
