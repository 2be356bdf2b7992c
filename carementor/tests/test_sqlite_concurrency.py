"""The default database survives concurrent writers: 16 threads, each with its own connection to
one SQLite file opened with the project's settings (WAL, immediate transactions, busy timeout),
apply to a programme, withdraw and apply again through the real services, and none is told
"database is locked".

The test database is in memory, which shows nothing about locking, so the test copies its schema
into a file (the backup API would wait forever on the test's own open transaction) and points
each thread's ``default`` connection at that file. Without ``transaction_mode="IMMEDIATE"`` most of these writers fail:
each transaction reads first, and a reader cannot upgrade to a writer while another writes.
"""

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.module_loading import import_string

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_organization, make_user
from carementor.programs.models import Enrollment, Program
from carementor.programs.services import enrollment_apply, enrollment_withdraw

WRITERS = 16

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's locking only; PostgreSQL locks rows."
)


def _file_connection(path: Path) -> BaseDatabaseWrapper:
    """A new connection to ``path`` with every option the settings give the default database."""
    settings_dict = {**connection.settings_dict, "NAME": str(path)}
    backend = import_string(f"{settings_dict['ENGINE']}.base.DatabaseWrapper")
    return backend(settings_dict, DEFAULT_DB_ALIAS)  # type: ignore[no-any-return]


class _OnFile:
    """Within the block, this thread's ORM uses its own connection to the file database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> BaseDatabaseWrapper:
        self.previous = connections[DEFAULT_DB_ALIAS]
        self.wrapper = _file_connection(self.path)
        connections[DEFAULT_DB_ALIAS] = self.wrapper
        return self.wrapper

    def __exit__(self, *exc: Any) -> None:
        self.wrapper.close()
        connections[DEFAULT_DB_ALIAS] = self.previous


@pytest.mark.django_db
def test_sixteen_writers_are_never_told_the_database_is_locked(
    tmp_path: Path, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # quick users
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    path = tmp_path / "concurrency.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%'"
        )
        rows = cursor.fetchall()
    # Tables first, then indexes, then triggers (which name tables). A full-text (FTS5)
    # table makes its own shadow tables ("<name>_data", ...), so those are not copied.
    virtual = [name for _t, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    order = {"table": 0, "index": 1, "trigger": 2, "view": 3}
    schema = [
        sql
        for kind, name, sql in sorted(rows, key=lambda row: (order.get(row[0], 4), row[1]))
        if not any(name.startswith(f"{v}_") for v in virtual)
    ]
    target = sqlite3.connect(path)
    for statement in schema:
        target.execute(statement)
    target.commit()
    target.close()

    with _OnFile(path) as wrapper:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        hospital = make_organization("Concurrency Teaching Hospital", slug="concurrency")
        program = Program.objects.create(
            organization=hospital, name="Busy programme", status=Program.Status.PUBLISHED
        )
        users = [make_user(f"writer{n}@example.org") for n in range(WRITERS)]
        for user in users:
            add_member(user, hospital)

    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(user: Any) -> None:
        try:
            with _OnFile(path):
                barrier.wait()
                enrollment = enrollment_apply(program=program, user=user, role="mentee", answers={})
                enrollment_withdraw(enrollment=enrollment, actor=user)
                enrollment_apply(program=program, user=user, role="mentee", answers={})
        except BaseException as exc:  # collected and asserted below, whatever it is
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [str(exc) for exc in errors] == []
    with _OnFile(path):
        assert Enrollment.objects.filter(program=program, status="applied").count() == WRITERS
        assert AuditEvent.objects.filter(action="enrollment.applied").count() == 2 * WRITERS
        assert AuditEvent.objects.filter(action="enrollment.withdrawn").count() == WRITERS
