"""The periodic duties, in code, and the claim that lets only one scheduler replica run each
occurrence. README "Configuration" shows the same table (a test keeps them equal)."""

import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from carementor.ops.models import ScheduledRun

log = logging.getLogger("carementor.scheduler")


@dataclass(frozen=True)
class Duty:
    command: str
    cron: str  # minute hour day month weekday, UTC


SCHEDULE: tuple[Duty, ...] = (
    Duty("calendars_refresh", "50 * * * *"),
    Duty("credentials_expire", "15 2 * * *"),
    Duty("credentials_scan_pending", "*/5 * * * *"),
    Duty("evaluations_run", "0 * * * *"),
    Duty("hr_feeds_run", "40 * * * *"),
    Duty("certificates_issue", "5 * * * *"),
    Duty("communities_digest", "30 6 * * *"),
    Duty("communities_for_programs", "25 * * * *"),
    Duty("learning_close_overdue", "*/5 * * * *"),
    Duty("matching_resume_publishing", "*/5 * * * *"),
    Duty("matching_sweep_requests", "10 * * * *"),
    Duty("mentorships_nudge", "20 * * * *"),
    Duty("notifications_digest", "0 7 * * *"),
    Duty("notifications_send_pending", "*/5 * * * *"),
    Duty("privacy_erase", "30 * * * *"),
    Duty("wellbeing_invite", "0 9 1 * *"),
    Duty("webhooks_dispatch", "* * * * *"),
)

# A run that has not finished after this long is presumed dead (its scheduler was killed).
STALE_AFTER = timedelta(hours=2)


def due_minute(moment: datetime | None = None) -> datetime:
    """The occurrence a firing belongs to: cron fires on whole minutes, so every replica
    that fires for it computes the same value."""
    return (moment or timezone.now()).replace(second=0, microsecond=0)


def process_name() -> str:
    return f"scheduler:{socket.gethostname()}:{os.getpid()}"


def _redis_claim(command: str, due_at: datetime) -> bool:
    """SET NX in Redis: atomic across every replica on every machine."""
    from django.core.cache import cache

    key = f"scheduler:claim:{command}:{due_at:%Y%m%dT%H%M}"
    return bool(cache.add(key, process_name(), timeout=24 * 60 * 60))


@contextmanager
def _overlap_lock(command: str, exclude: int) -> Iterator[bool]:
    """Held while a command runs, so a slow run is never overlapped by the next occurrence.
    Redis lock with REDIS_URL; a PostgreSQL advisory lock; on SQLite (one machine) the
    running row below is enough."""
    if settings.REDIS_URL:
        from django.core.cache import cache

        key = f"scheduler:running:{command}"
        got = bool(cache.add(key, process_name(), timeout=int(STALE_AFTER.total_seconds())))
        try:
            yield got
        finally:
            if got:
                cache.delete(key)
    elif connection.vendor == "postgresql":
        lock_id = _advisory_id(command)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
            got = bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
    else:
        running = ScheduledRun.objects.filter(
            job=command,
            status=ScheduledRun.Status.RUNNING,
            started_at__gte=timezone.now() - STALE_AFTER,
        ).exclude(pk=exclude)
        yield not running.exists()


def _advisory_id(command: str) -> int:
    # Stable across processes (unlike hash()), within PostgreSQL's signed 64-bit range.
    import zlib

    return 0x43_4D_00_00_00 + zlib.crc32(command.encode())


def claim(command: str, due_at: datetime) -> ScheduledRun | None:
    """Exactly one caller per (command, occurrence) gets the row; the others get None."""
    if settings.REDIS_URL and not _redis_claim(command, due_at):
        return None
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                job=command, due_at=due_at, process=process_name(), started_at=timezone.now()
            )
    except IntegrityError:
        return None


def run_duty(
    command: str,
    due_at: datetime | None = None,
    runner: Callable[[str], object] = call_command,
) -> ScheduledRun | None:
    """Claim this occurrence and run it; None when another replica has it."""
    due_at = due_at or due_minute()
    run = claim(command, due_at)
    if run is None:
        log.info("%s due %s: another scheduler has it", command, due_at.isoformat())
        return None
    with _overlap_lock(command, exclude=run.pk) as free:
        if not free:
            run.status = ScheduledRun.Status.SKIPPED
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "finished_at"])
            log.warning("%s due %s: skipped, the last run is still going", command, due_at)
            return run
        log.info("%s due %s: running", command, due_at.isoformat())
        try:
            runner(command)
        except Exception as exc:
            log.exception("%s due %s: failed", command, due_at.isoformat())
            run.status = ScheduledRun.Status.FAILED
            run.error = "".join(traceback.format_exception(exc))[-4000:]
        else:
            run.status = ScheduledRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        log.info("%s due %s: %s", command, due_at.isoformat(), run.status)
        return run


def run_scheduled(command: str) -> None:
    """What the scheduler's threads call: fresh database connections for each firing."""
    close_old_connections()
    try:
        run_duty(command)
    except Exception:  # the database itself is down: log, and try at the next occurrence
        log.exception("%s: not run", command)
    finally:
        connection.close()
