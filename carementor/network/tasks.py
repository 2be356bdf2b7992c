"""Background work for the open network: telling saved searches about a mentor who joined.
Thin; takes ids."""

from django_tasks import task

from carementor.network.services import notify_saved_searches


@task()
def tell_saved_searches(offer_id: int) -> None:
    # Reads every saved search on the platform: not work for the mentor's request.
    notify_saved_searches(offer_id)
