"""Background work for mentor pools: rebuild one programme's pool. Thin; takes ids."""

from django_tasks import task

from carementor.matching import pools
from carementor.programs.models import Program


@task()
def rebuild_pool(program_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        pools.rebuild(program)
