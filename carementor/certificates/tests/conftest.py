import pytest

from carementor.certificates.services import certificate_issue_if_complete
from carementor.certificates.tests.helpers import cpd_program, finished_mentorship, rule


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    return cpd_program(hospital)


@pytest.fixture
def finished(program, mentor, mentee):  # type: ignore[no-untyped-def]
    return finished_mentorship(program, mentor, mentee)


@pytest.fixture
def certificate(program, finished, mentee):  # type: ignore[no-untyped-def]
    """Asha's valid mentee certificate (rule: signed, 2 meetings, ended)."""
    rule(program, "mentee", meetings_held=2)
    issued = certificate_issue_if_complete(user=mentee, program=program, role="mentee")
    assert issued is not None
    return issued
