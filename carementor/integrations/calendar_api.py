"""Calendars in the JSON API: one's own iCalendar subscription, and free meeting times."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from carementor.accounts.models import User
from carementor.integrations import calendars
from carementor.integrations.models import CalendarSubscription
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS
from carementor.mentorships.permissions import get_mentorship_for

router = Router(tags=["calendars"])


def _user(request: HttpRequest) -> "User":
    """The signed-in person: the API's authentication lets no one else through."""
    return request.user  # type: ignore[return-value]


class CalendarSubscriptionIn(Schema):
    url: str = Field(
        min_length=1, max_length=2000, description="A private https:// or webcal:// address."
    )


class CalendarSubscriptionOut(Schema):
    host: str = Field(description="The calendar's host; the address itself is never shown.")
    fetched_at: datetime | None
    last_error: str
    busy_blocks: int = Field(description="Busy times kept for the next four weeks.")


class CalendarTimesOut(Schema):
    starts_at: list[datetime] = Field(description="Starts of free slots, soonest first.")
    minutes: int
    without_calendar: list[str] = Field(description="Codes of parties with no calendar.")


def _out(subscription: CalendarSubscription) -> CalendarSubscriptionOut:
    return CalendarSubscriptionOut(
        host=subscription.host,
        fetched_at=subscription.fetched_at,
        last_error=subscription.last_error,
        busy_blocks=subscription.busy_blocks.count(),
    )


@router.get(
    "/subscription",
    response={200: CalendarSubscriptionOut, **READ_ERRORS},
    summary="Your calendar subscription",
)
def read_subscription(request: HttpRequest) -> CalendarSubscriptionOut:
    # The API's authentication admits signed-in people only.
    subscription = CalendarSubscription.objects.filter(user=request.user.pk).first()
    if subscription is None:
        raise Http404
    return _out(subscription)


@router.put(
    "/subscription",
    response={200: CalendarSubscriptionOut, **WRITE_ERRORS},
    summary="Save your calendar's private address (read in the background)",
)
def save_subscription(
    request: HttpRequest, payload: CalendarSubscriptionIn
) -> CalendarSubscriptionOut:
    return _out(calendars.calendar_subscribe(request.user, payload.url, request=request))


@router.delete(
    "/subscription",
    response={204: None, **WRITE_ERRORS},
    summary="Disconnect your calendar and delete its busy times",
)
def delete_subscription(request: HttpRequest) -> Status[None]:
    calendars.calendar_unsubscribe(request.user, request=request)
    return Status(204, None)


@router.get(
    "/mentorships/{code}/times",
    response={200: CalendarTimesOut, **READ_ERRORS},
    summary="Meeting times when every party of a mentorship is free",
)
def meeting_times(request: HttpRequest, code: str, minutes: int = 60) -> CalendarTimesOut:
    mentorship = get_mentorship_for(_user(request), code, as_party=True)
    minutes = max(15, min(minutes, 240))
    people = [party.user for party in mentorship.parties.all()]
    connected = set(
        CalendarSubscription.objects.filter(user__in=people).values_list("user_id", flat=True)
    )
    return CalendarTimesOut(
        starts_at=calendars.suggest_times(people, minutes=minutes),
        minutes=minutes,
        without_calendar=[p.code for p in people if p.pk not in connected],
    )
