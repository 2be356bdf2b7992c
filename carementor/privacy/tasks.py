"""Background work for data rights: thin, takes ids, safe to run twice."""

from django_tasks import task

from carementor.privacy.services import export_build


@task()
def build_export(export_id: int) -> None:
    export_build(export_id)
