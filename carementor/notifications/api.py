"""Notifications API: the person's own notifications and e-mail preference."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from carementor.lib.api_errors import AUTH_ERRORS, READ_ERRORS, WRITE_ERRORS
from carementor.lib.paging import MAX_PAGE
from carementor.notifications.models import Notification
from carementor.notifications.permissions import get_notification_for
from carementor.notifications.services import (
    email_mode_for,
    notification_preference_set,
    notifications_mark_read,
)

if TYPE_CHECKING:
    from carementor.accounts.models import User

router = Router(tags=["notifications"])


def _user(request: HttpRequest) -> "User":
    # Every operation here sits behind the API's authentication, so the user is real.
    return cast("User", request.user)


PAGE_SIZE = 50


class NotificationOut(Schema):
    code: str
    kind: str
    title: str
    url: str
    created_at: datetime
    read_at: datetime | None
    target_type: str
    target_code: str


class NotificationPageOut(Schema):
    count: int
    unread: int
    page: int
    items: list[NotificationOut]


class NotificationFilters(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=MAX_PAGE)


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceIO(Schema):
    email_mode: Literal["immediate", "digest", "off"]


def _out(n: Notification) -> dict[str, Any]:
    return {
        "code": n.code,
        "kind": n.kind,
        "title": n.title,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "target_type": n.target_type,
        "target_code": n.target_code,
    }


@router.get("", response={200: NotificationPageOut, **AUTH_ERRORS})
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    mine = Notification.objects.for_user(request.user)
    rows = mine.unread() if filters.unread else mine
    page = max(filters.page, 1)
    start = (page - 1) * PAGE_SIZE
    return {
        "count": rows.count(),
        "unread": mine.unread().count(),
        "page": page,
        "items": [_out(n) for n in rows[start : start + PAGE_SIZE]],
    }


@router.get("/unread-count", response={200: UnreadOut, **AUTH_ERRORS})
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": Notification.objects.for_user(request.user).unread().count()}


@router.post("/read-all", response={200: MarkedOut, **AUTH_ERRORS})
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications_mark_read(_user(request))}


@router.get("/preferences", response={200: PreferenceIO, **AUTH_ERRORS})
def get_preferences(request: HttpRequest) -> dict[str, str]:
    return {"email_mode": email_mode_for(_user(request))}


@router.put("/preferences", response={200: PreferenceIO, **WRITE_ERRORS})
def put_preferences(request: HttpRequest, payload: PreferenceIO) -> dict[str, str]:
    pref = notification_preference_set(_user(request), payload.email_mode)
    return {"email_mode": pref.email_mode}


@router.post("/{code}/read", response={200: NotificationOut, **READ_ERRORS})
def read_one(request: HttpRequest, code: str) -> dict[str, Any]:
    notification = get_notification_for(_user(request), code)
    notifications_mark_read(_user(request), [notification.code])
    notification.refresh_from_db()
    return _out(notification)
