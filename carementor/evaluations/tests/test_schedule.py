"""The schedule creates exactly the surveys it should, across time; reminds once; closes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from carementor.evaluations import schedule as runner
from carementor.evaluations.models import SurveyAssignment
from carementor.evaluations.services import default_schedule, response_submit, schedule_replace
from carementor.evaluations.tests.core_helpers import (
    active_mentorship,
    full_answers,
    schedule,
)
from carementor.mentorships.meetings import meeting_record
from carementor.mentorships.models import Meeting, Mentorship, Phase
from carementor.mentorships.services import mentorship_close, mentorship_start_closing
from carementor.mentorships.tests.helpers import make_program
from carementor.notifications.models import Notification

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def kinds(user):
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="survey_")
        .order_by("id")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def program(hospital):
    return make_program(hospital)


def test_baseline_midpoint_reminder_and_closing_across_time(program, mentor, mentee):
    schedule(program, "mentee-outcomes", "baseline", open_days=14, reminder_days=7)
    schedule(program, "mentor-competency-self", "baseline", role="mentor")
    schedule(program, "relationship-quality", "midpoint", open_days=10, reminder_days=3)
    with time_machine.travel(START, tick=False):
        mentorship = active_mentorship(program, mentor, mentee, at=START)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            ends_on=(START + timedelta(days=100)).date()
        )

    with time_machine.travel(START + timedelta(hours=1), tick=False):
        first = runner.run()
        again = runner.run()
    assert (first.created, again.created) == (2, 0)
    baseline = SurveyAssignment.objects.get(user=mentee)
    assert baseline.occasion == "baseline" and baseline.opens_at == START
    assert baseline.due_at == START + timedelta(days=14)
    assert SurveyAssignment.objects.get(user=mentor).instrument.slug == "mentor-competency-self"
    assert kinds(mentee) == ["survey_open"]

    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        assert runner.run().reminded == 0
    with time_machine.travel(START + timedelta(days=7, hours=1), tick=False):
        assert runner.run().reminded == 2
        assert runner.run().reminded == 0
    assert kinds(mentee) == ["survey_open", "survey_reminder"]

    # The mentor answers; the mentee does not and the survey closes at its deadline.
    with time_machine.travel(START + timedelta(days=8), tick=False):
        mine = SurveyAssignment.objects.get(user=mentor)
        response_submit(assignment=mine, user=mentor, answers=full_answers(mine.instrument))
    with time_machine.travel(START + timedelta(days=14, minutes=1), tick=False):
        result = runner.run()
    assert result.closed == 1 and result.created == 0
    baseline.refresh_from_db()
    assert baseline.status == "closed" and baseline.closed_at is not None

    # Midpoint: halfway to the planned end (day 50), for ten days.
    with time_machine.travel(START + timedelta(days=49), tick=False):
        assert runner.run().created == 0
    with time_machine.travel(START + timedelta(days=50, hours=1), tick=False):
        assert runner.run().created == 1
        assert runner.run().created == 0
    midpoint = SurveyAssignment.objects.get(occasion="midpoint")
    assert midpoint.user == mentee and midpoint.due_at == midpoint.opens_at + timedelta(days=10)
    assert SurveyAssignment.objects.count() == 3


def test_a_late_schedule_sends_no_stale_surveys(program, mentor, mentee):
    with time_machine.travel(START, tick=False):
        active_mentorship(program, mentor, mentee, at=START)
    schedule(program, "mentee-outcomes", "baseline", open_days=14)
    with time_machine.travel(START + timedelta(days=30), tick=False):
        assert runner.run().created == 0
    assert not SurveyAssignment.objects.exists()


def test_closure_and_follow_up_after_a_real_close(program, mentor, mentee):
    schedule(program, "mentee-outcomes", "closure")
    schedule(program, "mentor-competency-rating", "closure")
    schedule(program, "mentee-outcomes", "follow_up", months_after=6, open_days=21)
    with time_machine.travel(START, tick=False):
        mentorship = active_mentorship(program, mentor, mentee, at=START)
    close_at = START + timedelta(days=120)
    with time_machine.travel(close_at, tick=False):
        mentorship_start_closing(mentorship=mentorship, user=mentee)
        mentorship_close(
            mentorship=Mentorship.objects.get(pk=mentorship.pk),
            user=mentee,
            outcome="achieved",
            reflection="We met our goals.",
        )
    closure = SurveyAssignment.objects.filter(occasion="closure")
    # on_commit hooks do not fire inside the test transaction; the run creates them.
    with time_machine.travel(close_at + timedelta(hours=1), tick=False):
        runner.run()
    assert closure.count() == 2
    rating = closure.get(instrument__slug="mentor-competency-rating")
    assert rating.subject == mentor and rating.user == mentee
    with time_machine.travel(close_at + timedelta(days=150), tick=False):
        assert runner.run().created == 0
    assert close_at == datetime(2026, 5, 5, 9, 0, tzinfo=UTC)
    follow_up_day = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)  # six calendar months later
    with time_machine.travel(follow_up_day - timedelta(minutes=1), tick=False):
        assert runner.run().created == 0
    with time_machine.travel(follow_up_day + timedelta(hours=2), tick=False):
        assert runner.run().created == 1
        assert runner.run().created == 0
    follow_up = SurveyAssignment.objects.get(occasion="follow_up")
    assert follow_up.opens_at == follow_up_day and follow_up.round == 6


def test_hooks_create_closure_and_pulse_surveys_on_commit(
    program, mentor, mentee, django_capture_on_commit_callbacks
):
    schedule(program, "mentee-outcomes", "closure")
    schedule(program, "meeting-pulse", "pulse", role="mentee", open_days=7)
    schedule(program, "meeting-pulse", "pulse", role="mentor", open_days=7)
    mentorship = active_mentorship(program, mentor, mentee, at=START)
    meeting = Meeting.objects.create(
        mentorship=mentorship, starts_at=datetime.now(UTC) - timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_record(meeting=meeting, user=mentee, status="held", present=[mentee, mentor])
    pulses = SurveyAssignment.objects.filter(occasion="pulse")
    assert sorted(p.role for p in pulses) == ["mentee", "mentor"]
    assert all(p.meeting == meeting for p in pulses)
    mentorship_start_closing(mentorship=mentorship, user=mentee)
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_close(
            mentorship=Mentorship.objects.get(pk=mentorship.pk),
            user=mentor,
            outcome="partly",
            reflection="",
        )
    assert SurveyAssignment.objects.filter(occasion="closure", user=mentee).count() == 1
    assert runner.run().created == 0


def test_a_mentorship_that_never_started_gets_no_closure_survey(program, mentor, mentee):
    from carementor.mentorships.tests.helpers import make_mentorship

    schedule(program, "mentee-outcomes", "closure")
    mentorship = make_mentorship(program, mentor, mentee)
    mentorship_start_closing(mentorship=mentorship, user=mentee)
    assert Mentorship.objects.get(pk=mentorship.pk).phase == Phase.CLOSED
    assert runner.run().created == 0


def test_pulse_only_for_those_present(program, mentor, mentee):
    schedule(program, "meeting-pulse", "pulse", role="mentee")
    schedule(program, "meeting-pulse", "pulse", role="mentor")
    mentorship = active_mentorship(program, mentor, mentee, at=START)
    meeting = Meeting.objects.create(
        mentorship=mentorship, starts_at=datetime.now(UTC) - timedelta(hours=2)
    )
    meeting_record(meeting=meeting, user=mentee, status="held", present=[mentee])
    assert runner.run().created == 1
    assert SurveyAssignment.objects.get().user == mentee


def test_the_default_schedule_and_the_command(program, coordinator, mentor, mentee):
    schedule_replace(program=program, user=coordinator, entries=default_schedule())
    occasions = set(program.evaluation_schedule.values_list("occasion", flat=True))
    assert occasions == {"baseline", "midpoint", "closure", "pulse", "follow_up"}
    assert program.evaluation_schedule.get(occasion="follow_up").months_after == 6
    active_mentorship(program, mentor, mentee)
    from io import StringIO

    out = StringIO()
    call_command("evaluations_run", "--dry-run", stdout=out)
    # The mentee's outcome survey, the mentor's self-rating and the mentor's outcome survey.
    assert "Would create 3" in out.getvalue()
    assert not SurveyAssignment.objects.exists()
    call_command("evaluations_run", stdout=out)
    call_command("evaluations_run", stdout=out)
    assert SurveyAssignment.objects.count() == 3
    assert "Created 0 survey(s)" in out.getvalue().splitlines()[-1]
