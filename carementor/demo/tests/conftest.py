"""Fixtures for the seed_demo tests."""

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """The showcase writes evidence PDFs: keep them out of the developer's var/ folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
