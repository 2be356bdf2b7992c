"""Reads of confidential content leave an audit row: messages and shared notes, in the page
and the API. A person's own private note does not."""

import datetime as dt

from carementor.audit.models import AuditEvent
from carementor.mentorships.meetings import (
    MeetingData,
    meeting_schedule,
    private_note_save,
    shared_note_save,
)


def test_reading_messages_is_audited_in_page_and_api(login, mentorship, mentee):
    client = login(mentee)
    assert client.get(f"/mentorships/{mentorship.code}/messages/").status_code == 200
    assert client.get(f"/api/v1/mentorships/{mentorship.code}/messages").status_code == 200
    events = AuditEvent.objects.filter(action="message.read")
    assert [(e.actor, e.target_id, e.organization) for e in events] == [
        (mentee, mentorship.code, mentorship.organization)
    ] * 2


def test_reading_shared_notes_is_audited_but_not_ones_own_private_note(
    login, mentorship, mentor, mentee
):
    meeting = meeting_schedule(
        mentorship=mentorship,
        user=mentor,
        data=MeetingData(
            starts_at=dt.datetime(2030, 1, 1, 10, tzinfo=dt.UTC), duration_minutes=30, mode="video"
        ),
    )
    url = f"/mentorships/{mentorship.code}/meetings/{meeting.code}/"
    private_note_save(meeting=meeting, user=mentee, body="Only mine")
    login(mentee).get(url)
    assert not AuditEvent.objects.filter(action__endswith=".read").exists()
    shared_note_save(meeting=meeting, user=mentor, body="Agreed plan", base_version=0)
    assert login(mentee).get(url).status_code == 200
    assert (
        login(mentee)
        .get(f"/api/v1/mentorships/{mentorship.code}/meetings/{meeting.code}/notes")
        .status_code
        == 200
    )
    events = AuditEvent.objects.filter(action__endswith=".read")
    assert [(e.action, e.actor, e.target_id) for e in events] == [
        ("shared_note.read", mentee, meeting.code)
    ] * 2
