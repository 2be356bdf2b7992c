from typing import Any

import pytest

from carementor.programs.models import Enrollment, Program


def make_program(organization: Any, **extra: Any) -> Program:
    values: dict[str, Any] = {
        "name": "Paediatric career mentoring",
        "status": Program.Status.PUBLISHED,
        "max_open_requests": 2,
        "request_expiry_days": 14,
    }
    values.update(extra)
    return Program.objects.create(organization=organization, **values)


def enroll(program: Program, user: Any, role: str = "mentee", **extra: Any) -> Enrollment:
    values: dict[str, Any] = {"status": Enrollment.Status.APPROVED}
    if role in ("mentor", "both"):
        values["capacity"] = 2
    values.update(extra)
    return Enrollment.objects.create(program=program, user=user, role=role, **values)


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    return make_program(hospital)


@pytest.fixture
def draft(hospital):  # type: ignore[no-untyped-def]
    return make_program(hospital, name="Draft scheme", status=Program.Status.DRAFT)
