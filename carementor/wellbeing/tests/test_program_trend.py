"""A programme sees only aggregates, and only for months with at least five people."""

import datetime as dt

import time_machine

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.mentorships.tests.helpers import make_program
from carementor.programs.models import Enrollment
from carementor.wellbeing.tests.helpers import GOOD, LOW, take


def enrol(program, user):  # type: ignore[no-untyped-def]
    return Enrollment.objects.create(
        program=program, user=user, role="mentee", status=Enrollment.Status.APPROVED
    )


def test_months_with_fewer_than_five_people_are_withheld(login, coordinator, hospital):
    program = make_program(hospital)
    people = []
    for i in range(5):
        person = make_user(f"nurse{i}@example.org", full_name=f"Nurse {i}")
        add_member(person, hospital)
        enrol(program, person)
        people.append(person)
    with time_machine.travel(dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC)):
        for person in people:
            take(person, LOW, burnout=4)
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC)):
        for person in people[:4]:
            take(person, GOOD, burnout=1)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        client = login(coordinator)
        body = client.get(f"/api/v1/wellbeing/programs/{program.code}/trend").json()
        html = client.get(f"/wellbeing/programs/{program.code}/").content.decode()
    october, november = body["months"]
    assert october == {
        "month": "2026-10-01",
        "people": 5,
        "withheld": False,
        "mean_score": 16.0,
        "burnout_share": 1.0,
    }
    assert november["withheld"] and november["mean_score"] is None
    assert "Fewer than 5 people: withheld" in html and "<td>16.0</td>" in html
    assert AuditEvent.objects.filter(action="wellbeing.programme_trend.read").count() == 2


def test_participants_and_outsiders_cannot_see_the_trend(login, mentee, outsider, hospital):
    program = make_program(hospital)
    client = login(mentee)
    assert client.get(f"/wellbeing/programs/{program.code}/").status_code == 403
    assert client.get(f"/api/v1/wellbeing/programs/{program.code}/trend").status_code == 403
    client.force_login(outsider)
    assert client.get(f"/wellbeing/programs/{program.code}/").status_code == 404
    assert client.get(f"/api/v1/wellbeing/programs/{program.code}/trend").status_code == 404


def test_the_programme_page_links_managers_to_the_trend(login, coordinator, mentee, hospital):
    program = make_program(hospital)
    html = login(coordinator).get(f"/programs/{program.code}/").content.decode()
    assert f"/wellbeing/programs/{program.code}/" in html
    assert f"/logbooks/programs/{program.code}/requirements/" in html
    participant = login(mentee).get(f"/programs/{program.code}/").content.decode()
    assert "/wellbeing/programs/" not in participant
