"""Fixtures for learning tests, on top of the named cast in the root conftest."""

import pytest

from carementor.learning.tests.helpers import enroll, make_program


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture
def program(hospital, mentee, mentor):  # type: ignore[no-untyped-def]
    """A published programme with asha enrolled as mentee and vikram as mentor."""
    program = make_program(hospital)
    enroll(program, mentee, "mentee")
    enroll(program, mentor, "mentor")
    return program


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return lambda: django_capture_on_commit_callbacks(execute=True)
