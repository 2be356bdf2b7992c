"""iCalendar: invites attached to meeting e-mails and each person's private feed."""

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from carementor.audit.services import record
from carementor.mentorships.models import CalendarFeed, Meeting, MeetingStatus, hash_feed_token

if TYPE_CHECKING:
    from carementor.accounts.models import User

PRODID = "-//CareMentor//Mentoring meetings//EN"
FEED_PAST_DAYS = 90


def _uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"meeting-{meeting.code}@{host or 'carementor'}"


def meeting_event(meeting: Meeting) -> Event:
    """One VEVENT in UTC; calendars show it in each person's own timezone."""
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title or f"Mentoring · {meeting.mentorship.program.name}")
    url = settings.SITE_URL + meeting.get_absolute_url()
    description = [url]
    if meeting.video_url:
        description.insert(0, meeting.video_url)
        event.add("location", meeting.video_url)
    elif meeting.location:
        event.add("location", meeting.location)
    event.add("description", "\n".join(description))
    event.add("url", url)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    for party in meeting.mentorship.parties.all():
        attendee = vCalAddress(f"mailto:{party.user.email}")
        attendee.params["cn"] = vText(party.user.get_full_name())
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    return event


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def meeting_ics(meeting: Meeting) -> bytes:
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    cal = _calendar(method)
    event = meeting_event(meeting)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    event.add("organizer", organizer, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def feed_ics(meetings: Iterable[Meeting], name: str) -> bytes:
    cal = _calendar()
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting))
    return cal.to_ical()


def feed_meetings(user: "User") -> Any:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return (
        Meeting.objects.filter(mentorship__parties__user=user, starts_at__gte=since)
        .select_related("mentorship__program")
        .prefetch_related("mentorship__parties__user")
        .order_by("starts_at")
    )


# --- The private feed ---------------------------------------------------------------------


def calendar_feed_create(*, user: "User", request: Any = None) -> str:
    """Revoke any current feed and make a new one. Returns the raw token, shown once."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(user=user, token_hash=hash_feed_token(raw))
        record(user, "calendar_feed.created", feed, request=request)
    return raw


def calendar_feed_revoke(*, user: "User", request: Any = None) -> int:
    with transaction.atomic():
        count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count:
            record(user, "calendar_feed.revoked", None, request=request)
    return count


def calendar_feed_user(raw: str) -> Any:
    """The person a feed token belongs to, or None if unknown or revoked."""
    if not raw or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_feed_token(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def invite_attachments(notification: Any) -> list[tuple[str, bytes | str, str]]:
    """Registered with the notifications app for meeting kinds: the .ics invite."""
    meeting = (
        Meeting.objects.filter(code=notification.target_code)
        .select_related("mentorship__program")
        .prefetch_related("mentorship__parties__user")
        .first()
    )
    if meeting is None:
        return []
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    return [("invite.ics", meeting_ics(meeting), f"text/calendar; method={method}")]
