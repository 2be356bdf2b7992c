"""Module documents on disk: outside any web root, under random names, owner-only permissions.

Same rules as credential evidence (carementor.credentials.storage), in a folder of its own.
"""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


def documents_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "learning"


def path_for(storage_name: str) -> Path:
    if not _STORAGE_NAME.fullmatch(storage_name):
        raise ValueError("Not a learning document storage name.")
    return documents_root() / storage_name[:2] / storage_name


def save_bytes(data: bytes) -> str:
    storage_name = secrets.token_hex(16)
    path = path_for(storage_name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return storage_name


def delete(storage_name: str) -> None:
    path_for(storage_name).unlink(missing_ok=True)
