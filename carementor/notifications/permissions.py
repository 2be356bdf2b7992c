"""Access gate for notifications: a person sees only their own."""

from typing import TYPE_CHECKING

from django.http import Http404

from carementor.notifications.models import Notification

if TYPE_CHECKING:
    from carementor.accounts.models import User


def get_notification_for(user: "User", code: str) -> Notification:
    notification = Notification.objects.filter(code=code, recipient=user).first()
    if notification is None:
        raise Http404
    return notification
