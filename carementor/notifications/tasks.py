"""Background e-mail for notifications. Thin; takes ids; safe to run twice."""

import logging

from django_tasks import task

from carementor.notifications.services import notification_email_send

logger = logging.getLogger(__name__)


@task()
def send_notification_email(notification_id: int) -> None:
    notification_email_send(notification_id)


@task()
def send_notification_emails(notification_ids: list[int]) -> None:
    """A batch of e-mails from one bulk change; one failure does not stop the others."""
    for notification_id in notification_ids:
        try:
            notification_email_send(notification_id)
        except Exception:
            logger.exception("Notification e-mail %s failed; the sweeper retries", notification_id)
