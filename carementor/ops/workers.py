"""Heartbeats of worker and scheduler processes, and whether any worker is alive."""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from carementor.ops.models import WorkerHeartbeat

log = logging.getLogger(__name__)

BEAT_SECONDS = 10
# A process that has not written for this long is dead (or cut off from the database).
ALIVE_SECONDS = 45


def process_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


def beat(name: str, kind: str, started_at: datetime | None = None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={"kind": kind, "beat_at": now},
        create_defaults={"kind": kind, "beat_at": now, "started_at": started_at or now},
    )


def workers_alive(kind: str = WorkerHeartbeat.Kind.WORKER) -> int:
    since = timezone.now() - timedelta(seconds=ALIVE_SECONDS)
    return WorkerHeartbeat.objects.filter(kind=kind, beat_at__gte=since).count()


def worker_alive() -> bool:
    """True when at least one task worker has beaten recently (on any machine)."""
    since = timezone.now() - timedelta(seconds=ALIVE_SECONDS)
    return WorkerHeartbeat.objects.filter(
        kind=WorkerHeartbeat.Kind.WORKER, beat_at__gte=since
    ).exists()


class Heartbeat:
    """A daemon thread writing this process's heartbeat until stopped."""

    def __init__(self, kind: str, interval: float = BEAT_SECONDS) -> None:
        self.kind = kind
        self.name = process_name(kind)
        self.interval = interval
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{kind}-heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                close_old_connections()
                beat(self.name, self.kind, self.started_at)
            except DatabaseError as exc:  # the database is down: beat again when it is back
                log.warning("heartbeat not written: %s", type(exc).__name__)
            finally:
                connection.close()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        except DatabaseError:
            pass
        finally:
            connection.close()
