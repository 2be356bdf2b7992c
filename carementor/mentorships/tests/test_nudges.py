"""The daily mentorships_nudge command: reminders 24 h before, cadence nudges, idempotent."""

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from carementor.mentorships.meetings import MeetingData, meeting_schedule
from carementor.mentorships.models import Mentorship, Phase
from carementor.notifications.models import Notification

NOW = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


def run() -> str:
    out = io.StringIO()
    call_command("mentorships_nudge", stdout=out)
    return out.getvalue()


def activate(mentorship: Mentorship, when: dt.datetime) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(phase=Phase.ACTIVE, activated_at=when)
    mentorship.refresh_from_db()


def test_reminder_once_per_start_time(mentorship, mentor, mentee):
    with time_machine.travel(NOW, tick=False):
        activate(mentorship, NOW)
        meeting = meeting_schedule(
            mentorship=mentorship,
            user=mentor,
            data=MeetingData(
                starts_at=NOW + dt.timedelta(hours=30), duration_minutes=30, mode="phone"
            ),
        )
        assert "Sent 0 meeting reminder(s)" in run()
    with time_machine.travel(NOW + dt.timedelta(hours=8), tick=False):
        assert "Sent 1 meeting reminder(s)" in run()
        assert "Sent 0 meeting reminder(s)" in run()
    reminders = Notification.objects.filter(kind="meeting_reminder")
    assert {n.recipient for n in reminders} == {mentor, mentee}
    assert all(n.target_code == meeting.code for n in reminders)
    # Kolkata time in the mentee's reminder: 14:00 UTC is 19:30 IST.
    assert "19:30" in reminders.get(recipient=mentee).title


def test_cadence_nudge_once_per_period(mentorship, mentor, mentee):
    activate(mentorship, NOW - dt.timedelta(days=31))
    with time_machine.travel(NOW, tick=False):
        assert "1 nudge(s)" in run()
        assert "0 nudge(s)" in run()
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=False):
        assert "0 nudge(s)" in run()
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        assert "1 nudge(s)" in run()
    nudges = Notification.objects.filter(kind="mentorship_nudge")
    assert nudges.count() == 4 and {n.recipient for n in nudges} == {mentor, mentee}


def test_no_nudge_when_a_meeting_is_scheduled_or_not_active(mentorship, mentor):
    with time_machine.travel(NOW, tick=False):
        # Proposed relationships are not nudged.
        assert "0 nudge(s)" in run()
        activate(mentorship, NOW - dt.timedelta(days=60))
        meeting_schedule(
            mentorship=mentorship,
            user=mentor,
            data=MeetingData(
                starts_at=NOW + dt.timedelta(days=5), duration_minutes=30, mode="phone"
            ),
        )
        assert "0 nudge(s)" in run()


def test_dry_run_sends_nothing(mentorship):
    activate(mentorship, NOW - dt.timedelta(days=31))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("mentorships_nudge", "--dry-run", stdout=out)
    assert "Would send 0 meeting reminder(s) and 1 nudge(s)." in out.getvalue()
    assert not Notification.objects.filter(kind="mentorship_nudge").exists()
