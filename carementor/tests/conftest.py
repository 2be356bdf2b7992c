"""Fixtures for the project-level tests (layout, security headers, translations, health)."""

import fcntl
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogs when their .mo is missing or older than the .po.

    `make test` compiles first and the .mo files are committed, so this only matters for a
    bare `pytest` after editing a catalog; without gettext's msgfmt the committed .mo is used.
    """
    if not shutil.which("msgfmt"):
        return
    # pytest-xdist workers each run this; the lock keeps them from writing one file at once.
    with open(settings.VAR_DIR / ".compilemessages.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if any(_stale(po) for po in _catalogs()):
            call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)


def _catalogs() -> list[Path]:
    return [po for path in settings.LOCALE_PATHS for po in Path(path).glob("*/LC_MESSAGES/*.po")]


def _stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime
