"""Erase a demo person, then look for their e-mail address and name everywhere: every row of
every table (or a pg_dump on PostgreSQL) and every stored file."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.audit.services import record
from carementor.privacy.models import DataExport
from carementor.privacy.services import erasure_request, export_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def database_text() -> str:
    """Every row of every table, read on the test's own connection (so it sees this test's
    uncommitted rows too, on SQLite and PostgreSQL alike): a full dump of the data."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def stored_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in root.rglob("*") if path.is_file()]


def test_an_erased_demo_person_is_nowhere(settings, django_capture_on_commit_callbacks):
    call_command("seed_demo", users=0, seed=3, stdout=StringIO(), stderr=StringIO())
    asha = User.objects.get(email="asha@example.org")
    email, name = asha.email, asha.full_name
    record(asha, "auth.login", asha)
    record(None, "auth.login_failed", asha, actor_label="")
    # Her data is in the database and in storage first: an export, and its file.
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(asha, requested_by=asha)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    needles = [email.lower(), name.lower()]
    assert any(n in database_text().lower() for n in needles)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erasure_request(asha, requested_by=asha)
    call_command("privacy_erase", stdout=StringIO())
    assert User.objects.get(pk=asha.pk).is_active  # still in the grace period
    with time_machine.travel(erasure.scheduled_for + dt.timedelta(minutes=1)):
        out = StringIO()
        call_command("privacy_erase", stdout=out)
    assert "Erased 1 account(s)" in out.getvalue()

    text = database_text().lower()
    for needle in needles:
        assert needle not in text, needle
    for path, content in stored_bytes(settings.PRIVATE_MEDIA_ROOT):
        for needle in needles:
            assert needle.encode() not in content.lower(), (path, needle)
    # The trail kept every event and points to the same, now anonymous, account.
    asha.refresh_from_db()
    assert asha.email.endswith("@erased.invalid") and not asha.is_active
    assert AuditEvent.objects.filter(actor=asha).exists()
    assert AuditEvent.objects.filter(action="privacy.erased", subject=asha).count() == 1
    assert timezone.now()
