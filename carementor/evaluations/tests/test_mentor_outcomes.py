"""Mentors' benefits: the mentor outcome survey is scheduled for mentors at baseline and
closure, its results sit in the programme report beside the mentees' (withheld below the
threshold), and each mentor sees their own answers over time."""

import pytest
from django.test import Client
from django.utils import timezone

from carementor.accounts.services import token_create
from carementor.evaluations import analytics, schedule
from carementor.evaluations.instruments import read_instrument
from carementor.evaluations.models import SurveyAssignment
from carementor.evaluations.services import default_schedule, schedule_replace
from carementor.evaluations.tests.core_helpers import active_mentorship
from carementor.evaluations.tests.test_report_analytics import (
    DAY,
    answered,
    library,
    outcomes_for,
    people,
)
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db


def mentor_gains(program, mentors, gain=0.8):  # type: ignore[no-untyped-def]
    instrument = library("mentor-outcomes")
    for n, mentor in enumerate(mentors):
        base = 3.0 + (n % 2) * 0.5
        answered(
            program,
            instrument,
            "baseline",
            mentor,
            {"practice": base, "wellbeing": base, "development": base},
            role="mentor",
        )
        after = min(5.0, base + gain)
        answered(
            program,
            instrument,
            "closure",
            mentor,
            {"practice": after, "wellbeing": after, "development": after},
            role="mentor",
            opens=DAY + timezone.timedelta(days=150),
        )
    return instrument


def test_the_instrument_asks_about_satisfaction_and_confidence_in_the_role():
    data = read_instrument("mentor-outcomes")
    assert data["respondent"] == "mentor" and data["kind"] == "outcome"
    assert [d["area"] for d in data["domains"]] == ["practice", "wellbeing", "development"]
    texts = {item["key"]: item["text"] for item in data["items"]}
    assert texts["practice_confident_role"] == "I feel confident in my professional role."
    assert texts["wellbeing_satisfied_role"] == "I feel satisfied in my professional role."


def test_the_default_schedule_asks_mentors_at_baseline_and_closure(
    hospital, coordinator, mentor, mentee
):
    entries = [
        (e.occasion, e.role) for e in default_schedule() if e.instrument.slug == "mentor-outcomes"
    ]
    assert entries == [("baseline", "mentor"), ("closure", "mentor")]
    program = make_program(hospital)
    schedule_replace(program=program, user=coordinator, entries=default_schedule())
    active_mentorship(program, mentor, mentee)
    schedule.create_due()
    sent = SurveyAssignment.objects.filter(instrument__slug="mentor-outcomes")
    assert list(sent.values_list("user", "role", "occasion")) == [(mentor.pk, "mentor", "baseline")]


def test_the_report_shows_mentors_beside_mentees_and_withholds_small_groups(hospital):
    program = make_program(hospital)
    outcomes_for(program, people(6))
    mentor_gains(program, people(4, "m"))
    blocks = analytics.program_analytics(program).outcomes
    assert [b.instrument.slug for b in blocks] == ["mentee-outcomes", "mentor-outcomes"]
    assert not blocks[0].withheld and blocks[1].withheld and blocks[1].domains == []

    mentor_gains(program, people(2, "late"))
    mentors = analytics.program_analytics(program).outcomes[1]
    assert not mentors.withheld and mentors.n == 6
    wellbeing = next(d for d in mentors.domains if d.key == "wellbeing")
    assert wellbeing.change is not None and wellbeing.change.difference == pytest.approx(0.8)


def test_the_report_page_names_both_surveys(hospital, coordinator):
    program = make_program(hospital)
    outcomes_for(program, people(6))
    mentor_gains(program, people(6, "m"))
    client = Client()
    client.force_login(coordinator)
    html = client.get(f"/evaluations/programs/{program.code}/report/").content.decode()
    assert "Mentee outcome survey" in html and "What I gained as a mentor" in html


def test_a_mentor_sees_what_they_gained(hospital, mentor):
    program = make_program(hospital, name="Digital adoption")
    mentor_gains(program, [mentor])
    client = Client()
    client.force_login(mentor)
    html = client.get("/evaluations/results/").content.decode()
    assert "What I gained as a mentor" in html and "<svg" in html
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(mentor, 'gains')[1]}")
    series = api.get("/api/v1/evaluations/results/mine").json()["series"]
    assert [s["name"] for s in series] == ["What I gained as a mentor (mentor outcome survey)"]
