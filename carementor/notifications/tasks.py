"""Background e-mail for notifications. Thin; takes ids; safe to run twice."""

from django_tasks import task

from carementor.notifications.services import notification_email_send


@task()
def send_notification_email(notification_id: int) -> None:
    notification_email_send(notification_id)
