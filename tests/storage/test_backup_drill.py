"""The backup drill: back up a seeded database with its files, restore the archive into a
fresh database and a fresh storage with `manage.py restore` in a separate process, and find
the same row in every table and the same bytes in every file."""

import hashlib
import io
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from carementor.backups import archive
from carementor.credentials.sample_documents import certificate_pdf
from carementor.credentials.tests.helpers import add_evidence, make_credential
from carementor.credentials.uploads import inspect_upload
from carementor.learning import services as learning
from carementor.mentorships.conversation import message_send
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from tests.storage.conftest import KEYS, REGION, bucket_keys, new_bucket, s3_client

# Backups read committed data: pg_dump from a connection of its own, SQLite's online backup
# outside any transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def seed(hospital: Any, mentor: Any, mentee: Any, coordinator: Any) -> None:
    """Some of every kind of private file, and the rows that point at them."""
    credential = make_credential(mentor, hospital)
    add_evidence(credential, name="gmc.pdf", data=certificate_pdf(["GMC", "1234567"]))
    add_evidence(credential, name="dbs.pdf", data=certificate_pdf(["DBS check"]))
    program = make_program(hospital)
    mentorship = make_mentorship(program, mentor, mentee)
    cv = inspect_upload("cv.pdf", certificate_pdf(["Curriculum vitae"]))
    message_send(mentorship=mentorship, author=mentee, body="My CV", attachment=cv)
    module = learning.module_create(program=program, actor=coordinator, data={"title": "Agendas"})
    learning.block_add(
        module=module,
        actor=coordinator,
        kind="document",
        title="Template",
        document=("agenda.pdf", certificate_pdf(["Agenda"])),
    )


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {
            table: _count(cursor, table) for table in connection.introspection.table_names(cursor)
        }


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
    return int(cursor.fetchone()[0])


def disk_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def bucket_files(endpoint: str, bucket: str) -> dict[str, str]:
    client = s3_client(endpoint)
    return {
        key: hashlib.sha256(client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()
        for key in bucket_keys(endpoint, bucket)
    }


class FreshDatabase:
    """An empty database of the same engine as the tests', with its own URL; dropped after."""

    def __init__(self, tmp_path: Path) -> None:
        self.params = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
            return
        import psycopg

        self.name = f"{self.params['NAME']}_restore_{secrets.token_hex(4)}"
        user, password = self.params["USER"], self.params["PASSWORD"]
        host, port = self.params["HOST"] or "127.0.0.1", self.params["PORT"] or 5432
        credentials = f"{user}:{password}@" if password else f"{user}@"
        self.url = f"postgres://{credentials}{host}:{port}/{self.name}"
        self._admin = psycopg.connect(
            dbname="postgres", user=user, password=password, host=host, port=port, autocommit=True
        )
        self._admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE template0')

    def counts(self) -> dict[str, int]:
        if self.vendor == "sqlite":
            import sqlite3

            with sqlite3.connect(self.path) as db:
                cursor = db.cursor()
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
                counts = {name: _count(cursor, name) for (name,) in cursor.fetchall()}
            db.close()
            return counts
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as db:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            return {
                table: int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # type: ignore[index]
                for table in tables
            }

    def drop(self) -> None:
        if self.vendor != "sqlite":
            self._admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin.close()


@pytest.fixture
def fresh_database(tmp_path):  # type: ignore[no-untyped-def]
    database = FreshDatabase(tmp_path)
    yield database
    database.drop()


def restore_in_new_process(archive_path: Path, env: dict[str, str], *options: str) -> str:
    """`manage.py restore` as an operator runs it, configured only by the environment."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CAREMENTOR_", "DATABASE_", "REDIS_", "PYTEST", "DJANGO_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive_path), *options],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_DEBUG": "True", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_drill_on_local_disk(
    tmp_path, settings, hospital, mentor, mentee, coordinator, fresh_database
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    seed(hospital, mentor, mentee, coordinator)
    counts, files = source_counts(), disk_files(tmp_path / "private")
    assert len(files) == 4 and counts["credentials_evidencefile"] == 2

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    path = Path(out.getvalue().rsplit("Backup written to ", 1)[1].strip())

    with archive.open_archive(path) as (_, manifest):
        assert manifest["database"]["tables"] == counts
        assert {item["name"]: item["sha256"] for item in manifest["files"]} == files
        assert manifest["database"]["migrations"]["credentials"]
    assert path.stat().st_mode & 0o077 == 0
    environment = {
        "DATABASE_URL": fresh_database.url,
        "CAREMENTOR_VAR_DIR": str(tmp_path / "var"),
        "CAREMENTOR_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored"),
    }
    output = restore_in_new_process(path, environment)

    assert f"and {len(files)} files; every checksum and row count matches" in output
    assert fresh_database.counts() == counts
    assert disk_files(tmp_path / "restored") == files

    # Restoring over a restored site replaces it (tables dropped, files overwritten).
    restore_in_new_process(path, environment, "--force")
    assert fresh_database.counts() == counts
    assert disk_files(tmp_path / "restored") == files


@pytest.mark.slow
def test_drill_from_bucket_to_bucket(
    tmp_path, hospital, mentor, mentee, coordinator, s3_bucket, s3_endpoint, fresh_database
):
    seed(hospital, mentor, mentee, coordinator)
    counts, files = source_counts(), bucket_files(s3_endpoint, s3_bucket)
    assert len(files) == 4

    path = archive.backup_create(tmp_path / "backups")
    target = new_bucket(s3_endpoint)
    restore_in_new_process(
        path,
        {
            "DATABASE_URL": fresh_database.url,
            "CAREMENTOR_VAR_DIR": str(tmp_path / "var"),
            "CAREMENTOR_S3_BUCKET": target,
            "CAREMENTOR_S3_ENDPOINT_URL": s3_endpoint,
            "CAREMENTOR_S3_REGION": REGION,
            "CAREMENTOR_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "CAREMENTOR_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        },
    )

    assert fresh_database.counts() == counts
    assert bucket_files(s3_endpoint, target) == files


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings, mentor, hospital):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    add_evidence(make_credential(mentor, hospital))
    path = archive.backup_create(tmp_path / "backups")

    with pytest.raises(Exception, match="database and storage is not empty"):
        call_command("restore", str(path))


def test_restore_refuses_a_damaged_archive_before_touching_anything(
    tmp_path, settings, mentor, hospital
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    evidence = add_evidence(make_credential(mentor, hospital))
    path = archive.backup_create(tmp_path / "backups")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(path) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith(evidence.storage_name):
                data = data.replace(b"%%EOF", b"%%EOX")
            target.addfile(member, io.BytesIO(data))

    with pytest.raises(Exception, match="Checksum mismatch for files/evidence/"):
        call_command("restore", str(damaged), "--force")
    assert (tmp_path / "private").exists()  # untouched: the files are still there


def test_a_failed_backup_leaves_no_archive(tmp_path, settings, mentor, hospital):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    add_evidence(make_credential(mentor, hospital))
    (tmp_path / "private" / "evidence" / "zz").mkdir()
    (tmp_path / "private" / "evidence" / "zz" / "gone").symlink_to(tmp_path / "nowhere")

    with pytest.raises(FileNotFoundError):
        archive.backup_create(tmp_path / "backups")

    assert list((tmp_path / "backups").iterdir()) == []
