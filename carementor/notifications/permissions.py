"""Access gate for notifications: a person sees only their own."""

from typing import Any

from django.http import Http404

from carementor.notifications.models import Notification


def get_notification_for(user: Any, code: str) -> Notification:
    notification = Notification.objects.filter(code=code, recipient=user).first()
    if notification is None:
        raise Http404
    return notification
