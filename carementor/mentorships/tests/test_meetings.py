"""Meetings: scheduling across timezones and DST, invites, agenda, notes, attendance."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from carementor.audit.models import AuditEvent
from carementor.mentorships.meetings import (
    MeetingData,
    agenda_add,
    meeting_cancel,
    meeting_record,
    meeting_reschedule,
    meeting_schedule,
)
from carementor.mentorships.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    PrivateNote,
    SharedNote,
)
from carementor.mentorships.services import MentorshipError

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def schedule(mentorship, user, when, **kwargs):  # type: ignore[no-untyped-def]
    return meeting_schedule(
        mentorship=mentorship,
        user=user,
        data=MeetingData(starts_at=when, duration_minutes=45, mode="video", **kwargs),
    )


def parse(ics: bytes):  # type: ignore[no-untyped-def]
    cal = Calendar.from_ical(ics)
    return [c for c in cal.walk() if c.name == "VEVENT"]


def test_schedule_in_london_across_dst_stored_in_utc(login, mentorship, mentor, mentee):
    mentor.timezone = "Europe/London"
    mentor.save()
    client = login(mentor)
    # 10:00 London before (GMT) and after (BST) the 29 March 2026 change.
    for day in ("2026-03-27", "2026-04-03"):
        response = client.post(
            f"/mentorships/{mentorship.code}/meetings/new/",
            {"starts_at": f"{day}T10:00", "duration_minutes": 45, "mode": "video"},
        )
        assert response.status_code == 302
    before, after = Meeting.objects.order_by("starts_at")
    assert before.starts_at == dt.datetime(2026, 3, 27, 10, 0, tzinfo=dt.UTC)
    assert after.starts_at == dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC)
    # The mentee in Kolkata sees 15:30 and 14:30; the mentor sees 10:00 both times.
    page = login(mentee).get(f"/mentorships/{mentorship.code}/meetings/{after.code}/")
    assert "Friday 3 April 2026, 14:30" in page.content.decode()
    page = login(mentor).get(f"/mentorships/{mentorship.code}/meetings/{after.code}/")
    assert "Friday 3 April 2026, 10:00" in page.content.decode()
    # The .ics is UTC and parses back to the same instant.
    (event,) = parse(
        login(mentee)
        .get(f"/mentorships/{mentorship.code}/meetings/{after.code}/invite.ics")
        .content
    )
    assert event.decoded("dtstart") == after.starts_at
    assert event.decoded("dtstart").astimezone(LONDON).hour == 10


def test_invite_email_has_ics_and_jitsi_link(mentorship, mentor, mentee, on_commit):
    mail.outbox.clear()
    with on_commit():
        meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=3))
    assert meeting.video_url.startswith("https://meet.jit.si/CareMentor-")
    (message,) = mail.outbox
    assert message.to == [mentee.email]
    # Kolkata time in the subject for the mentee.
    assert "Mon 23 Mar, 14:30 IST" in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    (event,) = parse(content)
    assert str(event["uid"]).startswith(f"meeting-{meeting.code}@")
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["location"]) == meeting.video_url
    assert AuditEvent.objects.filter(action="meeting.scheduled").count() == 1


def test_reschedule_and_cancel_bump_sequence(mentorship, mentor, mentee, on_commit):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=3))
    mail.outbox.clear()
    with on_commit():
        meeting_reschedule(
            meeting=meeting,
            user=mentee,
            data=MeetingData(
                starts_at=NOW + dt.timedelta(days=4),
                duration_minutes=30,
                mode="video",
                video_url="https://teams.microsoft.com/l/meetup-join/abc",
            ),
        )
        meeting_cancel(meeting=meeting, user=mentee)
    meeting.refresh_from_db()
    assert meeting.sequence == 2 and meeting.status == MeetingStatus.CANCELLED
    assert meeting.video_url == "https://teams.microsoft.com/l/meetup-join/abc"
    (event,) = parse(mail.outbox[-1].attachments[0][1])
    assert str(event["status"]) == "CANCELLED" and event["sequence"] == 2


@pytest.mark.parametrize(
    "url", ["http://zoom.us/j/1", "javascript:alert(1)", "https://", "ftp://x.org"]
)
def test_video_link_must_be_https(login, mentorship, mentor, url):
    response = login(mentor).post(
        f"/mentorships/{mentorship.code}/meetings/new/",
        {
            "starts_at": "2026-03-27T10:00",
            "duration_minutes": 45,
            "mode": "video",
            "video_url": url,
        },
    )
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_past_time_and_bad_duration_refused(login, mentorship, mentor):
    for data in (
        {"starts_at": "2026-03-01T10:00", "duration_minutes": 45, "mode": "video"},
        {"starts_at": "2026-03-27T10:00", "duration_minutes": 0, "mode": "video"},
        {"starts_at": "not a date", "duration_minutes": 45, "mode": "video"},
    ):
        response = login(mentor).post(f"/mentorships/{mentorship.code}/meetings/new/", data)
        assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_meeting_pages_are_party_only(login, mentorship, mentor, coordinator, org_admin, outsider):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=3))
    base = f"/mentorships/{mentorship.code}/meetings/{meeting.code}"
    for user in (coordinator, org_admin, outsider):
        client = login(user)
        assert client.get(f"{base}/").status_code == 404
        assert client.get(f"{base}/invite.ics").status_code == 404
        assert client.post(f"{base}/notes/", {"version": 0, "body": "x"}).status_code == 404
        assert client.post(f"{base}/cancel/").status_code == 404
        assert client.post(f"/mentorships/{mentorship.code}/meetings/new/", {}).status_code == 404
    assert not SharedNote.objects.exists()
    assert Meeting.objects.get().status == MeetingStatus.SCHEDULED


def test_mentee_leads_the_agenda_and_items_carry_over(login, mentorship, mentor, mentee):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(hours=2))
    base = f"/mentorships/{mentorship.code}/meetings/{meeting.code}"
    client = login(mentee)
    client.post(f"{base}/agenda/", {"text": "Exam preparation plan"})
    client.post(f"{base}/agenda/", {"text": "Night-shift fatigue"})
    first, second = AgendaItem.objects.order_by("position")
    response = client.post(
        f"{base}/agenda/{second.code}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().index("Night-shift") < response.content.decode().index("Exam")
    # The mentor cannot add or reorder.
    with pytest.raises(MentorshipError) as error:
        agenda_add(meeting=meeting, user=mentor, text="Mentor's item")
    assert error.value.code == "mentee_leads"
    assert login(mentor).post(f"{base}/agenda/", {"text": "x"}).status_code == 302
    assert AgendaItem.objects.count() == 2
    # Held, with one item covered; the other carries over to the next meeting.
    login(mentor).post(f"{base}/agenda/{first.code}/cover/", {"covered": "1"})
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        meeting_record(meeting=meeting, user=mentor, status="held", present=[mentor, mentee])
        mentorship.refresh_from_db()
        assert mentorship.last_meeting_at == meeting.starts_at
        nxt = schedule(mentorship, mentee, NOW + dt.timedelta(days=20))
    (carried,) = nxt.agenda_items.all()
    assert carried.text == "Night-shift fatigue" and carried.carried_from == second
    # Adding after the meeting is refused.
    with pytest.raises(MentorshipError):
        agenda_add(meeting=meeting, user=mentee, text="late")


def test_shared_notes_conflict(login, mentorship, mentor, mentee):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=1))
    url = f"/mentorships/{mentorship.code}/meetings/{meeting.code}/notes/"
    assert login(mentor).post(url, {"version": 0, "body": "Mentor's notes"}).status_code == 302
    stale = login(mentee).post(url, {"version": 0, "body": "Mentee's notes"})
    text = stale.content.decode()
    assert stale.status_code == 409
    assert "changed since you opened them" in text and "Mentee&#x27;s notes" in text
    note = SharedNote.objects.get()
    assert (note.body, note.version) == ("Mentor's notes", 1)
    assert login(mentee).post(url, {"version": 1, "body": "Merged"}).status_code == 302
    assert SharedNote.objects.get().version == 2


def test_private_notes_visible_only_to_the_author(
    login, mentorship, mentor, mentee, coordinator, org_admin
):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=1))
    base = f"/mentorships/{mentorship.code}/meetings/{meeting.code}"
    login(mentee).post(f"{base}/private-note/", {"body": "I feel out of my depth"})
    assert PrivateNote.objects.get().author == mentee
    assert "I feel out of my depth" in login(mentee).get(f"{base}/").content.decode()
    assert "I feel out of my depth" not in login(mentor).get(f"{base}/").content.decode()
    for user in (coordinator, org_admin):
        assert (
            "out of my depth"
            not in login(user).get(f"/mentorships/{mentorship.code}/").content.decode()
        )
        assert login(user).get(f"{base}/").status_code == 404


def test_record_before_start_is_refused(mentorship, mentor, mentee):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=1))
    with pytest.raises(MentorshipError):
        meeting_record(meeting=meeting, user=mentor, status="held", present=[mentor])
    assert Meeting.objects.get().status == MeetingStatus.SCHEDULED


def test_calendar_feed_create_use_revoke(login, client, mentorship, mentor, mentee, outsider):
    meeting = schedule(mentorship, mentor, NOW + dt.timedelta(days=2))
    page = login(mentee).post("/mentorships/calendar/", {"action": "create"})
    text = page.content.decode()
    start = text.index("http://testserver/mentorships/calendar/feed/")
    url = text[start : text.index(".ics", start) + 4].replace("http://testserver", "")
    client.logout()
    feed = client.get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    (event,) = parse(feed.content)
    assert event.decoded("dtstart") == meeting.starts_at
    # A new link revokes the old one; revoking turns it off.
    login(mentee).post("/mentorships/calendar/", {"action": "create"})
    client.logout()
    assert client.get(url).status_code == 404
    login(mentee).post("/mentorships/calendar/", {"action": "revoke"})
    assert AuditEvent.objects.filter(action="calendar_feed.revoked").count() == 1
    assert client.get("/mentorships/calendar/feed/guess.ics").status_code == 404
    # The outsider's feed does not include the hospital's meeting.
    text = login(outsider).post("/mentorships/calendar/", {"action": "create"}).content.decode()
    start = text.index("http://testserver/mentorships/calendar/feed/")
    outsider_url = text[start : text.index(".ics", start) + 4].replace("http://testserver", "")
    client.logout()
    outsider_feed = client.get(outsider_url)
    assert outsider_feed.status_code == 200
    assert parse(outsider_feed.content) == []
    assert meeting.code not in outsider_feed.content.decode()
