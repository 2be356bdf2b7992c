"""Where exports are kept: ``STORAGES["private"]`` when the project defines it, otherwise a
folder of the private media root (never the default storage's MEDIA_ROOT, which may be
public)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


def export_storage() -> Storage:
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT / "exports")
