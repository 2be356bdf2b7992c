"""runserver must not keep a PostgreSQL connection per thread (it once leaked ~95 in 14 minutes
and locked everyone else out); persistent connections belong to the production server."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


def _server_connections(dbname: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_runserver_closes_its_connections_even_when_asked_to_keep_them(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("connection counting needs PostgreSQL")
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAREMENTOR_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    env.update(
        DJANGO_DEBUG="True",
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="600",  # what leaked before: only gunicorn honours it now
        CAREMENTOR_VAR_DIR=str(tmp_path),
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/health/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(lambda _: _get(base + "/ready/"), range(48)))
        assert statuses == [200] * 48
        time.sleep(0.5)  # the last threads finish closing
        assert _server_connections(db["NAME"]) == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
