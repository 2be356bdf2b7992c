"""Optional read replica (DATABASE_REPLICA_URL): reads inside ``replica_reads()`` go to it.

Reports wrap their read-only queries in ``with replica_reads():``; everything else, and
every write, stays on the primary, so nobody reads their own write from a lagging replica."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

_on_replica: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _on_replica.get() and "replica" in settings.DATABASES:
            return "replica"
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
