"""Background work for matching: large coordinator runs. Thin; takes ids."""

from django_tasks import task

from carementor.matching.runs import run_execute


@task()
def execute_match_run(run_id: int) -> None:
    run_execute(run_id)
