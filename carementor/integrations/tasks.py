"""Background work for integrations: thin, takes ids, safe to run twice."""

from django_tasks import task

from carementor.integrations import webhooks


@task()
def deliver_webhook(delivery_id: int) -> None:
    # A delivery already made, failed for good or not yet due is left as it is.
    webhooks.attempt(delivery_id)


@task()
def refresh_calendar(subscription_id: int) -> None:
    # Fetches the person's calendar and replaces their busy blocks; a gone subscription is skipped.
    from carementor.integrations.calendars import calendar_refresh

    calendar_refresh(subscription_id)
