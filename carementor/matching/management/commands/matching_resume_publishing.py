"""Hand every run still publishing back to a worker (after a worker died). Safe to run often:
a publication that is running already just finds nothing left to do."""

from typing import Any

from django.core.management.base import BaseCommand

from carementor.matching.models import MatchRun


class Command(BaseCommand):
    help = "Re-enqueue the publication of match runs left in the publishing state."

    def handle(self, *args: Any, **options: Any) -> None:
        from carementor.matching.tasks import publish_match_run

        ids = list(
            MatchRun.objects.filter(status=MatchRun.Status.PUBLISHING).values_list("pk", flat=True)
        )
        for run_id in ids:
            publish_match_run.enqueue(run_id)
        self.stdout.write(f"resumed {len(ids)}")
