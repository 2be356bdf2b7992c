"""Background work for programmes: applying a large participant import. Thin; takes ids."""

from django_tasks import task

from carementor.lib.tasks_rq import is_retry
from carementor.programs.imports import import_execute


@task()
def apply_import(batch_id: int) -> None:
    import_execute(batch_id, resume=is_retry())
