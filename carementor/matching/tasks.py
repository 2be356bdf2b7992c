"""Background work for matching: large coordinator runs. Thin; takes ids."""

from django_tasks import task

from carementor.lib.tasks_rq import is_retry
from carementor.matching.publishing import publish_execute
from carementor.matching.runs import run_execute


@task()
def execute_match_run(run_id: int) -> None:
    run_execute(run_id, resume=is_retry())


@task()
def publish_match_run(run_id: int) -> None:
    publish_execute(run_id)
