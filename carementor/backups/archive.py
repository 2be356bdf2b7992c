"""One backup archive: the database, every private file, and a manifest that proves both.

An archive is an uncompressed tar (the PostgreSQL dump is compressed already, and PDFs and
images barely shrink) holding:

- ``database.pgdump`` (``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup);
- ``files/<name>`` for every file in the "private" storage, read through the Storage API so
  local disk and S3 buckets back up the same way;
- ``manifest.json``, written last: when it was made, the app version, the applied
  migrations, the row count of every table and the SHA-256 and size of every member.

Restoring checks every checksum before it touches anything, refuses a database or storage
that is not empty unless forced, then checks the row counts and files it wrote.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from carementor.lib.private_files import private_storage, sha256_of, walk

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files/"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int
    pending_migrations: list[str]


def _quiet(message: str) -> None:
    pass


def app_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _hash_copy(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _hash_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(f"{member.name} in the archive is not a file.")
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# --- The database --------------------------------------------------------------------------


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """libpq's variables for the connection: the password never appears in a process list."""
    params = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if params.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(params["OPTIONS"][option])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _counts(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - our own names
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_state(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    with sqlite3.connect(path) as db:
        cursor = db.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        state = _counts(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
        migrations = _migrations(cursor, tables)
    db.close()
    return state, migrations


def dump_database(
    connection: BaseDatabaseWrapper, target: Path
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Write the database to `target`; return the row counts and applied migrations of
    exactly what was written."""
    if _vendor(connection) == "sqlite":
        if connection.in_atomic_block:
            # The online backup would wait for our own write lock for ever.
            raise BackupError("Back up SQLite outside any transaction.")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # a consistent copy while others write
        finally:
            copy.close()
        return _sqlite_state(target)
    # One snapshot for pg_dump and for the counts, so the manifest describes the dump
    # exactly. A connection of its own, so no transaction of the caller's gets in the way.
    snapshot_connection = connections.create_connection(connection.alias)
    try:
        snapshot_connection.set_autocommit(False)
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = snapshot_connection.introspection.table_names(cursor)
            counts = _counts(cursor, tables, snapshot_connection.ops.quote_name)
            migrations = _migrations(cursor, tables)
            _run(
                [
                    *("pg_dump", "-Fc", "--no-owner", "--no-privileges"),
                    *("--snapshot", snapshot, "--file", str(target)),
                ],
                _pg_env(connection),
            )
        snapshot_connection.rollback()
    finally:
        snapshot_connection.close()
    return counts, migrations


def database_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _counts(cursor, tables, connection.ops.quote_name)


def _drop_all_tables(connection: BaseDatabaseWrapper) -> None:
    """Empty the target for --force: every table and, on PostgreSQL, the schema's own
    functions (the audit trail's append-only trigger), which the dump creates again."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        if _vendor(connection) == "postgresql":
            cursor.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
                "WHERE n.nspname = current_schema() AND p.prokind = 'f' AND d.objid IS NULL"
            )
            for (signature,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION IF EXISTS {signature} CASCADE")


def load_database(connection: BaseDatabaseWrapper, dump: Path, *, replace: bool) -> None:
    if _vendor(connection) == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # replaces every page of the target
        finally:
            source.close()
        connection.close()
        return
    if replace:
        _drop_all_tables(connection)
    connection.close()
    _run(
        [
            *("pg_restore", "--no-owner", "--no-privileges"),
            *("--exit-on-error", "--single-transaction"),
            *("--dbname", str(connection.settings_dict["NAME"]), str(dump)),
        ],
        _pg_env(connection),
    )


# --- Backup -----------------------------------------------------------------------------


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def backup_create(
    directory: Path, *, database: str = "default", progress: Progress = _quiet
) -> Path:
    """Write a new archive into `directory` and return its path."""
    connection = connections[database]
    vendor = _vendor(connection)
    created = datetime.datetime.now(tz=datetime.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"carementor-{created:%Y%m%dT%H%M%SZ}.tar"
    partial = path.with_name(path.name + ".partial")
    if path.exists():
        raise BackupError(f"{path} already exists; wait a second and run the backup again.")
    try:
        # Health data: only the owner may read the archive, from the first byte.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(
            f"{partial} exists: another backup is running, or one was interrupted (then delete it)."
        ) from exc
    try:
        with os.fdopen(fd, "wb") as raw:
            tables, files = _write(raw, connection, vendor, created, progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # never leave half an archive behind
        raise
    partial.rename(path)  # a finished archive never has the .partial suffix
    progress(f"{len(tables)} tables, {sum(tables.values())} rows, {len(files)} files.")
    return path


def _write(
    raw: IO[bytes],
    connection: BaseDatabaseWrapper,
    vendor: str,
    created: datetime.datetime,
    progress: Progress,
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    storage = private_storage()
    with tempfile.TemporaryDirectory(prefix="carementor-backup-") as scratch:
        dump = Path(scratch) / DUMPS[vendor]
        progress(f"Dumping the {vendor} database…")
        tables, migrations = dump_database(connection, dump)
        with tarfile.open(fileobj=raw, mode="w") as archive:
            with dump.open("rb") as handle, open(os.devnull, "wb") as nowhere:
                database_sha256, database_size = _hash_copy(handle, nowhere)
            archive.add(dump, arcname=DUMPS[vendor])
            files = []
            for name in walk(storage):
                files.append(_add_file(archive, storage, name))
                if len(files) % 100 == 0:
                    progress(f"{len(files)} files…")
            manifest = {
                "format": FORMAT,
                "created_at": created.isoformat(),
                "app": {"name": "carementor", "version": app_version()},
                "database": {
                    "vendor": vendor,
                    "member": DUMPS[vendor],
                    "sha256": database_sha256,
                    "size": database_size,
                    "tables": tables,
                    "migrations": migrations,
                },
                "storage": {"backend": f"{type(storage).__module__}.{type(storage).__name__}"},
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
    return tables, files


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _add_file(archive: tarfile.TarFile, storage: Any, name: str) -> dict[str, Any]:
    # Copy through a spooled file so the size in the tar header is the size actually read.
    with (
        storage.open(name, "rb") as source,
        tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as buffer,
    ):
        sha256, size = _hash_copy(source, buffer)  # type: ignore[arg-type]
        buffer.seek(0)
        info = tarfile.TarInfo(FILES + name)
        info.size = size
        info.mode = 0o600
        archive.addfile(info, buffer)
    return {"name": name, "size": size, "sha256": sha256}


# --- Restore ----------------------------------------------------------------------------


@contextmanager
def open_archive(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    try:
        archive = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{path} is not a readable backup archive: {exc}") from exc
    with archive:
        try:
            member = archive.getmember(MANIFEST)
        except KeyError as exc:
            raise BackupError(f"{path} has no manifest: an unfinished or foreign archive.") from exc
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else {}
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is in an archive format this version cannot read.")
        yield archive, manifest


def verify_archive(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member the manifest lists is present with its checksum; nothing else is."""
    expected = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    for item in manifest["files"]:
        name = item["name"]
        if name.startswith("/") or ".." in name.split("/"):
            raise BackupError(f"The manifest names a file outside the storage: {name}")
        expected[FILES + name] = item["sha256"]
    members = {member.name: member for member in archive.getmembers() if member.name != MANIFEST}
    if set(members) != set(expected):
        missing = sorted(set(expected) - set(members))[:5]
        extra = sorted(set(members) - set(expected))[:5]
        raise BackupError(
            f"The archive does not match its manifest (missing {missing}, extra {extra})."
        )
    for name, sha256 in expected.items():
        if _hash_member(archive, members[name]) != sha256:
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged.")


def restore_archive(
    path: Path, *, database: str = "default", force: bool = False, progress: Progress = _quiet
) -> RestoreReport:
    connection = connections[database]
    storage = private_storage()
    with open_archive(path) as (archive, manifest):
        vendor = _vendor(connection)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"The archive holds a {manifest['database']['vendor']} database; "
                f"this site uses {vendor}. Restore into the same kind of database."
            )
        progress("Checking every checksum in the archive…")
        verify_archive(archive, manifest)
        has_tables = bool(connection.introspection.table_names())
        has_files = next(walk(storage), None) is not None
        if (has_tables or has_files) and not force:
            where = " and ".join(
                part for part, busy in (("database", has_tables), ("storage", has_files)) if busy
            )
            raise BackupError(
                f"The {where} is not empty. Restore into an empty one, or pass --force to "
                "replace the database and overwrite files of the same name."
            )
        with tempfile.TemporaryDirectory(prefix="carementor-restore-") as scratch:
            dump = Path(scratch) / manifest["database"]["member"]
            _extract(archive, manifest["database"]["member"], dump)
            progress(f"Restoring the {vendor} database…")
            load_database(connection, dump, replace=force)
        progress(f"Restoring {len(manifest['files'])} files…")
        for item in manifest["files"]:
            _restore_file(archive, storage, item)
    counts = database_counts(connection)
    wrong = [
        table for table, rows in manifest["database"]["tables"].items() if counts.get(table) != rows
    ]
    if wrong:
        raise BackupError(f"Row counts differ after the restore in: {', '.join(wrong[:10])}")
    return RestoreReport(
        tables=len(manifest["database"]["tables"]),
        rows=sum(manifest["database"]["tables"].values()),
        files=len(manifest["files"]),
        pending_migrations=pending_migrations(connection),
    )


def _extract(archive: tarfile.TarFile, member: str, target: Path) -> None:
    source = archive.extractfile(member)
    if source is None:
        raise BackupError(f"{member} in the archive is not a file.")
    with target.open("wb") as handle:
        shutil.copyfileobj(source, handle, CHUNK)


def _restore_file(archive: tarfile.TarFile, storage: Any, item: dict[str, Any]) -> None:
    name = item["name"]
    source = archive.extractfile(FILES + name)
    if source is None:
        raise BackupError(f"{name} in the archive is not a file.")
    if storage.exists(name):  # only with --force: the emptiness check came first
        storage.delete(name)
    saved = storage.save(name, File(source, name=name))
    if saved != name:
        raise BackupError(f"The storage saved {name} as {saved}; restore into an empty storage.")
    if sha256_of(storage, name) != (item["sha256"], item["size"]):
        raise BackupError(f"{name} reads back differently from the storage.")


def pending_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    """Migrations in this code that the restored database has not applied."""
    loader = MigrationLoader(connection)
    return sorted(
        f"{app}.{name}"
        for app, name in loader.graph.leaf_nodes()
        if (app, name) not in loader.applied_migrations
    )
