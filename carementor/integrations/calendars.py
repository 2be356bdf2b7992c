"""Free/busy from a person's private iCalendar address, and meeting times when both are free.

The address is fetched in the background (``calendars_refresh``), with the same bounds and
address checks as HR feeds; only busy blocks for the next ``WINDOW_DAYS`` are kept, never an
event's title, place or attendees. Suggestions look for slots inside every party's working
hours, in each one's own timezone, that overlap nobody's busy blocks.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from carementor.audit.services import record
from carementor.integrations import outbound
from carementor.integrations.models import BusyBlock, CalendarSubscription
from carementor.integrations.secrets_box import decrypt, encrypt
from carementor.lib.errors import DomainError

WINDOW_DAYS = 28
MAX_BYTES = 2 * 1024 * 1024
MAX_BLOCKS = 2000
MAX_OCCURRENCES = 500  # of one recurring event inside the window
WORKDAY = (8, 20)  # local hours in which meetings are suggested
STEP = timedelta(minutes=30)


class CalendarError(DomainError):
    def __init__(self, message: str, *, status: int = 422, code: str = "calendar_invalid") -> None:
        super().__init__(message, status=status, code=code)


@transaction.atomic
def calendar_subscribe(
    user: Any, url: str, *, request: HttpRequest | None = None
) -> CalendarSubscription:
    """Save (or replace) the person's address and fetch it in the background."""
    url = url.strip()
    if url.startswith("webcal://"):
        url = "https://" + url.removeprefix("webcal://")
    if not outbound.is_allowed_url(url) or len(url) > 2000:
        raise CalendarError(_("Paste your calendar's private https:// (or webcal://) address."))
    subscription, _created = CalendarSubscription.objects.update_or_create(
        user=user,
        defaults={
            "url_encrypted": encrypt(url),
            "host": (urlsplit(url).hostname or "")[:200],
            "fetched_at": None,
            "last_error": "",
        },
    )
    subscription.busy_blocks.all().delete()
    # The address is a secret: the audit trail names the host only.
    record(
        user,
        "calendar.subscribed",
        subscription,
        request=request,
        detail={"host": subscription.host},
    )
    _refresh_on_commit(subscription.pk)
    return subscription


@transaction.atomic
def calendar_unsubscribe(user: Any, *, request: HttpRequest | None = None) -> None:
    subscription = CalendarSubscription.objects.filter(user=user).first()
    if subscription is None:
        return
    record(user, "calendar.unsubscribed", subscription, request=request)
    subscription.delete()


def _refresh_on_commit(subscription_id: int) -> None:
    from carementor.integrations.tasks import refresh_calendar

    transaction.on_commit(lambda: refresh_calendar.enqueue(subscription_id))


def busy_blocks(
    content: bytes, start: datetime.datetime, end: datetime.datetime, default_tz: str = "UTC"
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Busy intervals between ``start`` and ``end``, merged; CalendarError if unreadable.

    Transparent (free) and cancelled events do not count; all-day events block the day in
    ``default_tz``; floating times are read in ``default_tz``; recurring events are expanded
    (RRULE, EXDATE) inside the window only.
    """
    try:
        calendar = Calendar.from_ical(content)
    except Exception as exc:  # icalendar raises several kinds for a broken file
        raise CalendarError(_("This is not a readable iCalendar file."), code="format") from exc
    zone = zoneinfo.ZoneInfo(default_tz)
    found: list[tuple[datetime.datetime, datetime.datetime]] = []
    for event in calendar.walk("VEVENT"):
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if event.get("DTSTART") is None:
            continue
        first = _aware(event.decoded("DTSTART"), zone)
        if event.get("DTEND") is not None:
            length = _aware(event.decoded("DTEND"), zone) - first
        elif event.get("DURATION") is not None:
            length = event.decoded("DURATION")
        else:
            all_day = not isinstance(event.decoded("DTSTART"), datetime.datetime)
            length = timedelta(days=1) if all_day else timedelta(0)
        if length <= timedelta(0):
            continue
        for begin in _occurrences(event, first, start - length, end, zone):
            if begin < end and begin + length > start:
                found.append((max(begin, start), min(begin + length, end)))
            if len(found) > MAX_BLOCKS:
                raise CalendarError(
                    _("The calendar has more than %(n)d busy times in the next weeks.")
                    % {"n": MAX_BLOCKS},
                    code="too_many",
                )
    return _merge(found)


def _aware(value: Any, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(0))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value.astimezone(datetime.UTC)


def _occurrences(
    event: Any,
    first: datetime.datetime,
    start: datetime.datetime,
    end: datetime.datetime,
    zone: zoneinfo.ZoneInfo,
) -> Iterable[datetime.datetime]:
    rule = event.get("RRULE")
    if rule is None:
        return [first]
    # Expanded in the event's own zone, so a weekly 09:00 stays 09:00 across a DST change.
    local_first = _local_start(event, zone)
    recurrence = rrulestr(rule.to_ical().decode(), dtstart=local_first)
    excluded = set()
    for exdate in _as_list(event.get("EXDATE")):
        for item in exdate.dts:
            excluded.add(_aware(item.dt, zone))
    found = []
    for occurrence in recurrence.between(
        start.astimezone(local_first.tzinfo), end.astimezone(local_first.tzinfo), inc=True
    ):
        moment = occurrence.astimezone(datetime.UTC)
        if moment not in excluded:
            found.append(moment)
        if len(found) >= MAX_OCCURRENCES:
            break
    return found


def _local_start(event: Any, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    value = event.decoded("DTSTART")
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(0))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _merge(
    blocks: list[tuple[datetime.datetime, datetime.datetime]],
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    merged: list[tuple[datetime.datetime, datetime.datetime]] = []
    for begin, finish in sorted(blocks):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def calendar_refresh(subscription_id: int) -> CalendarSubscription | None:
    """Fetch the address and replace the busy blocks; on failure keep the old ones and say
    why. Safe to run twice."""
    subscription = (
        CalendarSubscription.objects.select_related("user").filter(pk=subscription_id).first()
    )
    if subscription is None:
        return None
    now = timezone.now()
    error = ""
    blocks: list[tuple[datetime.datetime, datetime.datetime]] = []
    try:
        content = outbound.fetch(
            decrypt(subscription.url_encrypted),
            max_bytes=MAX_BYTES,
            user_agent="CareMentor-Calendar/1",
        )
        blocks = busy_blocks(
            content, now, now + timedelta(days=WINDOW_DAYS), subscription.user.timezone or "UTC"
        )
    except DomainError as exc:
        error = exc.message
    with transaction.atomic():
        locked = CalendarSubscription.objects.select_for_update().filter(pk=subscription.pk).first()
        if locked is None:
            return None
        if not error:
            locked.busy_blocks.all().delete()
            BusyBlock.objects.bulk_create(
                BusyBlock(subscription=locked, starts_at=b, ends_at=e) for b, e in blocks
            )
            locked.fetched_at = now
        locked.last_error = error[:500]
        locked.save(update_fields=["fetched_at", "last_error"])
    return locked


def refresh_all() -> int:
    """Queue a refresh of every subscription (the ``calendars_refresh`` duty)."""
    from carementor.integrations.tasks import refresh_calendar

    count = 0
    for pk in CalendarSubscription.objects.order_by("pk").values_list("pk", flat=True):
        refresh_calendar.enqueue(pk)
        count += 1
    return count


def suggest_times(
    people: list[Any],
    *,
    minutes: int = 60,
    days: int = 14,
    limit: int = 6,
    now: datetime.datetime | None = None,
) -> list[datetime.datetime]:
    """Starts of ``minutes``-long slots in the next ``days`` when everyone is inside their
    working hours and nobody's calendar is busy; at most two a day, soonest first."""
    now = now or timezone.now()
    length = timedelta(minutes=minutes)
    begin = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    begin += timedelta(minutes=(-begin.minute) % 30)
    end = begin + timedelta(days=days)
    busy = list(
        BusyBlock.objects.filter(
            subscription__user__in=people, ends_at__gt=begin, starts_at__lt=end
        ).values_list("starts_at", "ends_at")
    )
    zones = [zoneinfo.ZoneInfo(getattr(p, "timezone", "") or "UTC") for p in people]
    found: list[datetime.datetime] = []
    per_day: dict[datetime.date, int] = {}
    slot = begin
    while slot + length <= end and len(found) < limit:
        finish = slot + length
        day = slot.date()
        fits = per_day.get(day, 0) < 2 and all(_in_workday(slot, finish, z) for z in zones)
        if fits and not any(b < finish and e > slot for b, e in busy):
            found.append(slot)
            per_day[day] = per_day.get(day, 0) + 1
            slot = finish  # the next suggestion starts after this one
            continue
        slot += STEP
    return found


def _in_workday(start: datetime.datetime, end: datetime.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date() and local_end.time() != datetime.time(0):
        return False
    opens, closes = WORKDAY
    return (
        local_start.hour >= opens
        and (local_end.hour < closes or (local_end.hour == closes and local_end.minute == 0))
        and local_start.weekday() < 5
    )
