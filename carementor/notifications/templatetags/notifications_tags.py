from typing import Any

from django import template

from carementor.notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_notification_count(user: Any) -> int:
    """One indexed COUNT for the navigation bell."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
