"""Private files through Django's Storage API: under random names, never at a public URL,
served only by views that authorize the reader. Each app keeps its files in a folder of its
own inside the storage named "private" in ``settings.STORAGES``: local disk under
``PRIVATE_MEDIA_ROOT`` by default, an S3-compatible bucket when configured, so every web node
sees every file."""

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse

STORAGE_ALIAS = "private"
_STORAGE_NAME = re.compile(r"[0-9a-f]{32}")


def private_storage() -> Storage:
    return storages[STORAGE_ALIAS]


class PrivateFileSystemStorage(FileSystemStorage):
    """Local disk at PRIVATE_MEDIA_ROOT, owner-only permissions, and no URL at all.

    The root is read from the setting on every use (not cached like MEDIA_ROOT), so a test
    or a command that points PRIVATE_MEDIA_ROOT elsewhere needs no storage reset. Files are
    created with O_EXCL, which also refuses to follow a link planted at the name.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(getattr(self, "_location", None) or settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        # A deliberate refusal, not a missing feature: a URL would bypass the access gate.
        raise SuspiciousFileOperation("Private files have no URL; an authorizing view serves them.")


class PrivateFolder:
    def __init__(self, name: str) -> None:
        self.name = name

    def name_for(self, storage_name: str) -> str:
        """The file's name inside the private storage, e.g. ``evidence/3f/3f2a…``."""
        # Names come from our own database, but check anyway: a path never comes from a person.
        if not _STORAGE_NAME.fullmatch(storage_name):
            raise ValueError(f"Not a {self.name} storage name.")
        return f"{self.name}/{storage_name[:2]}/{storage_name}"

    def save_bytes(self, data: bytes) -> str:
        """Write a new file and return its storage name. Never overwrites."""
        storage_name = secrets.token_hex(16)
        name = self.name_for(storage_name)
        saved = private_storage().save(name, ContentFile(data))
        # Storage.save picks another name rather than overwrite; with 128 random bits that
        # means something is wrong, and a file under a name we did not choose must not stay.
        if saved != name:
            private_storage().delete(saved)
            raise FileExistsError(f"A {self.name} file named {storage_name} already exists.")
        return storage_name

    def open(self, storage_name: str) -> File:
        """The stored file opened for reading; FileNotFoundError when it is gone."""
        return private_storage().open(self.name_for(storage_name), "rb")

    def read_bytes(self, storage_name: str) -> bytes:
        with self.open(storage_name) as handle:
            return handle.read()

    def exists(self, storage_name: str) -> bool:
        return private_storage().exists(self.name_for(storage_name))

    def delete(self, storage_name: str) -> None:
        private_storage().delete(self.name_for(storage_name))


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage under `folder`, in a stable order."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local root that was never written to
        return
    for directory in sorted(directories):
        yield from walk(storage, f"{folder}{directory}/")
    for name in sorted(files):
        yield f"{folder}{name}"


def sha256_of(storage: Storage, name: str) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a stored file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def download_response(handle: File, *, filename: str, content_type: str) -> FileResponse:
    """The only way a stored file leaves the server: streamed as a download that cannot run.
    Call it after the view has authorized the reader (and written the audit event)."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
