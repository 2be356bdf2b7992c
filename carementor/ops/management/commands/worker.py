"""The task worker for whichever backend the settings chose: RQ with REDIS_URL (any number
of workers on any number of machines), else django-tasks' database worker.

Either way it writes a heartbeat, so pages can say when queued work has no worker."""

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from carementor.ops.models import WorkerHeartbeat
from carementor.ops.workers import Heartbeat

log = logging.getLogger("carementor.worker")

# How often a busy worker proves its job is still running, and how long after the last proof
# another worker takes the job back (a killed worker's job is retried after about this long).
JOB_MONITORING_SECONDS = 5
ABANDONED_AFTER_SECONDS = 20
MAINTENANCE_SECONDS = 10
# An idle worker wakes every WORKER_TTL - 15 s to do its maintenance (finding abandoned jobs,
# taking over RQ's scheduler from a dead worker); a dead worker's registration expires after it.
WORKER_TTL_SECONDS = 30


def rq_worker_class() -> type:
    from rq import Worker

    class CareMentorWorker(Worker):  # type: ignore[misc]
        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
            if job.timeout and job.timeout > 0:
                left = job.timeout - working_time
                return int(min(left, self.job_monitoring_interval)) + ABANDONED_AFTER_SECONDS
            return int(self.job_monitoring_interval) + ABANDONED_AFTER_SECONDS

        def fork_work_horse(self, job: Any, queue: Any) -> Any:
            # A forked child must never share the parent's database sockets.
            connections.close_all()
            return super().fork_work_horse(job, queue)

    return CareMentorWorker


class Command(BaseCommand):
    help = "Run background tasks (RQ with REDIS_URL, else the database worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--name", default=None, help="Worker name (RQ).")

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = Heartbeat(WorkerHeartbeat.Kind.WORKER).start()
        try:
            if getattr(settings, "TASKS_ON_RQ", False):
                self._rq(options)
            else:
                db_options: dict[str, Any] = {"verbosity": options["verbosity"]}
                if options["burst"]:
                    db_options["batch"] = True
                call_command("db_worker", **db_options)
        finally:
            heartbeat.stop()

    def _rq(self, options: dict[str, Any]) -> None:
        from django_rq.workers import get_worker

        worker = get_worker(
            "default",
            job_class="django_tasks_rq.backend.Job",
            worker_class=rq_worker_class(),
            name=options["name"],
            job_monitoring_interval=JOB_MONITORING_SECONDS,
            maintenance_interval=MAINTENANCE_SECONDS,
            worker_ttl=WORKER_TTL_SECONDS,
        )
        connections.close_all()
        # SIGTERM: RQ finishes the running job, then exits (a warm shutdown).
        worker.work(
            burst=options["burst"],
            with_scheduler=True,  # retries wait in RQ's scheduled registry
            logging_level="INFO",
        )
