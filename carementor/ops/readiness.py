"""What /ready/ reports: each shared service the web tier needs, answered or not."""

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connections

from carementor.ops.workers import workers_alive

log = logging.getLogger(__name__)


def _database() -> dict[str, Any]:
    for alias in settings.DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return {"aliases": list(settings.DATABASES)}


def _cache() -> dict[str, Any]:
    key = f"ready:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    if cache.get(key) != 1:
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _storage() -> dict[str, Any]:
    aliases = [alias for alias in settings.STORAGES if alias != "staticfiles"]
    for alias in aliases:
        storages[alias].exists("ready-probe")
    return {"aliases": aliases}


def _queue() -> dict[str, Any]:
    detail: dict[str, Any] = {"backend": settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]}
    if getattr(settings, "TASKS_ON_RQ", False):
        import django_rq

        django_rq.get_connection("default").ping()
        detail["queued"] = django_rq.get_queue("default").count
    # Workers are reported, not required: web nodes keep serving while workers restart.
    try:
        detail["workers"] = workers_alive()
    except Exception:  # the database check reports that failure
        detail["workers"] = None
    return detail


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "queue": _queue,
}


def readiness() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            status = "ok"
        except Exception as exc:  # every failure is reported, never raised
            log.warning("readiness: %s failed: %s", name, type(exc).__name__)
            detail = {"error": type(exc).__name__}
            status = "unavailable"
        results[name] = {
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            **detail,
        }
    return results
