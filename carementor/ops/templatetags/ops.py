from typing import Any

from django import template

from carementor.ops.workers import worker_alive

register = template.Library()

WAITING = {"queued", "ready", "publishing_queued"}


@register.inclusion_tag("ops/_worker_status.html")
def worker_status(status: str) -> dict[str, Any]:
    """Says so when a run or export waits in the queue and no worker is running.

    Pass the object's status; it costs one query, and only while the status is a waiting
    one ("queued")."""
    return {"no_worker": str(status) in WAITING and not worker_alive()}
