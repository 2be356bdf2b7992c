"""Private files on disk: outside any web root, under random names, owner-only permissions,
served only by views that authorize the reader. Each app keeps its files in a folder of its own
under ``PRIVATE_MEDIA_ROOT``."""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


class PrivateFolder:
    def __init__(self, name: str) -> None:
        self.name = name

    def root(self) -> Path:
        return Path(settings.PRIVATE_MEDIA_ROOT) / self.name

    def path_for(self, storage_name: str) -> Path:
        # Names come from our own database, but check anyway: a path never comes from a person.
        if not _STORAGE_NAME.fullmatch(storage_name):
            raise ValueError(f"Not a {self.name} storage name.")
        return self.root() / storage_name[:2] / storage_name

    def save_bytes(self, data: bytes) -> str:
        """Write a new file and return its storage name. Never overwrites, never follows links."""
        storage_name = secrets.token_hex(16)
        path = self.path_for(storage_name)
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

    def read_bytes(self, storage_name: str) -> bytes:
        return self.path_for(storage_name).read_bytes()

    def delete(self, storage_name: str) -> None:
        self.path_for(storage_name).unlink(missing_ok=True)
