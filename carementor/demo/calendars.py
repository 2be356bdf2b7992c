"""Demo calendar: Prof. Vikram Mehta has connected his hospital calendar, so the meeting form
of his mentorships suggests times around his outpatient clinics.

The demo cannot fetch a real address, so the busy blocks (weekday mornings, 09:00-13:00 in
Pune, for four weeks) are written directly, as a refresh would have left them; a later
``calendars_refresh`` says the demo address cannot be reached and keeps them.
"""

import datetime
import zoneinfo
from datetime import timedelta

from django.utils import timezone

from carementor.accounts.models import User
from carementor.integrations.calendars import WINDOW_DAYS
from carementor.integrations.models import BusyBlock, CalendarSubscription
from carementor.integrations.secrets_box import encrypt

EMAIL = "vikram@example.org"
ADDRESS = "https://calendar.indus-ims.example/private/vikram-mehta/basic.ics"


def seed_calendars() -> int:
    """Connect Vikram's calendar if it is not; return how many were connected now."""
    user = User.objects.filter(email=EMAIL).first()
    if user is None or CalendarSubscription.objects.filter(user=user).exists():
        return 0
    now = timezone.now()
    subscription = CalendarSubscription.objects.create(
        user=user,
        url_encrypted=encrypt(ADDRESS),
        host="calendar.indus-ims.example",
        fetched_at=now,
    )
    zone = zoneinfo.ZoneInfo(user.timezone or "Asia/Kolkata")
    today = now.astimezone(zone).date()
    blocks = []
    for offset in range(WINDOW_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        start = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
        blocks.append(
            BusyBlock(
                subscription=subscription, starts_at=start, ends_at=start + timedelta(hours=4)
            )
        )
    BusyBlock.objects.bulk_create(blocks)
    return 1
