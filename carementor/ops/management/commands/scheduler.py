"""Runs the periodic duties (carementor.ops.schedule.SCHEDULE) on their cron times.

Run one or more replicas: each occurrence is claimed by exactly one of them."""

import logging
import signal
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.core.management.base import BaseCommand
from django.db import connection

from carementor.ops.models import WorkerHeartbeat
from carementor.ops.schedule import SCHEDULE, run_scheduled
from carementor.ops.workers import Heartbeat

log = logging.getLogger("carementor.scheduler")


class Command(BaseCommand):
    help = "Run the periodic duties on their schedule (safe to run as several replicas)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--list", action="store_true", help="Print the schedule and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for duty in SCHEDULE:
                self.stdout.write(f"{duty.cron:<16} {duty.command}")
            return
        scheduler = BlockingScheduler(
            timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1}
        )
        for duty in SCHEDULE:
            scheduler.add_job(
                run_scheduled,
                CronTrigger.from_crontab(duty.cron, timezone="UTC"),
                args=[duty.command],
                id=duty.command,
                misfire_grace_time=120,
            )
        heartbeat = Heartbeat(WorkerHeartbeat.Kind.SCHEDULER).start()

        def stop(signum: int, frame: Any) -> None:
            log.info("scheduler stopping (signal %s); running duties finish first", signum)
            scheduler.shutdown(wait=True)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        connection.close()
        log.info("scheduler started with %d duties", len(SCHEDULE))
        try:
            scheduler.start()
        finally:
            heartbeat.stop()
            log.info("scheduler stopped")
