"""Background work for outcome reports: refresh one programme's cached report. Thin; takes ids."""

from django_tasks import task

from carementor.evaluations import report_cache
from carementor.programs.models import Program


@task()
def warm_report(program_id: int) -> None:
    program = Program.objects.select_related("organization").filter(pk=program_id).first()
    if program is not None:
        report_cache.warm(program)
