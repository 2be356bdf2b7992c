import pytest

from carementor.mentorships.tests.helpers import make_mentorship, make_program


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    return make_program(hospital)


@pytest.fixture
def mentorship(program, mentor, mentee):  # type: ignore[no-untyped-def]
    return make_mentorship(program, mentor, mentee)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return lambda: django_capture_on_commit_callbacks(execute=True)
