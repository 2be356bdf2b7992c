"""The private storage on local disk: layout, permissions, no URL, no overwriting."""

import hashlib

import pytest
from django.core.exceptions import SuspiciousFileOperation

from carementor.lib.private_files import PrivateFolder, private_storage, sha256_of, walk


@pytest.fixture
def root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def test_files_keep_the_layout_of_files_written_before_the_storage_api(root):
    # Files stored by earlier versions sit at ROOT/<folder>/<first two>/<name>.
    old = root / "evidence" / "ab" / ("ab" + "0" * 30)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF- from last year")
    folder = PrivateFolder("evidence")

    assert folder.read_bytes("ab" + "0" * 30) == b"%PDF- from last year"

    name = folder.save_bytes(b"new")
    path = root / "evidence" / name[:2] / name
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert list(walk(private_storage())) == sorted(
        [f"evidence/ab/ab{'0' * 30}", f"evidence/{name[:2]}/{name}"]
    )
    assert sha256_of(private_storage(), f"evidence/{name[:2]}/{name}") == (
        hashlib.sha256(b"new").hexdigest(),
        3,
    )


def test_names_never_come_from_people(root):
    folder = PrivateFolder("learning")
    for bad in ("../../etc/passwd", "AB" * 16, "ab" * 15, ""):
        with pytest.raises(ValueError):
            folder.open(bad)


def test_private_files_have_no_url(root):
    with pytest.raises(SuspiciousFileOperation):
        private_storage().url("evidence/ab/ab")


def test_a_name_is_never_reused(root, monkeypatch):
    folder = PrivateFolder("evidence")
    monkeypatch.setattr("secrets.token_hex", lambda n: "cd" * n)
    first = folder.save_bytes(b"first")

    with pytest.raises(FileExistsError):
        folder.save_bytes(b"second")

    assert folder.read_bytes(first) == b"first"
    assert list(walk(private_storage())) == [f"evidence/cd/{first}"]


def test_walking_a_storage_that_was_never_written_to(root):
    assert list(walk(private_storage())) == []
