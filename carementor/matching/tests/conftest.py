from typing import Any

import pytest

from carementor.credentials.models import Credential
from carementor.lib.testing import add_member, make_user
from carementor.profiles.models import Language, Profile
from carementor.programs.tests.conftest import enroll, make_program


def verify(user: Any, organization: Any, number: str = "1234567") -> Credential:
    from django.utils import timezone

    return Credential.objects.create(
        holder=user,
        organization=organization,
        scheme="gb_gmc",
        number=number,
        status=Credential.Status.VERIFIED,
        decided_at=timezone.now(),
    )


def make_mentor(organization: Any, email: str, name: str, **profile: Any) -> Any:
    user = make_user(email, full_name=name)
    add_member(user, organization, "mentor")
    verify(user, organization, number=str(abs(hash(email)) % 10**7).rjust(7, "1"))
    languages = profile.pop("languages", [])
    p, _created = Profile.objects.update_or_create(user=user, defaults=profile)
    if languages:
        p.languages.set(Language.objects.filter(code__in=languages))
    return user


@pytest.fixture
def program(hospital):  # type: ignore[no-untyped-def]
    return make_program(hospital, verification_kind="licence", roles=["mentor"])


@pytest.fixture
def cohort(program, hospital, mentee, mentor):  # type: ignore[no-untyped-def]
    """Asha is an approved mentee; Vikram (verified, capacity 1) and Meera (verified) mentor."""
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    Profile.objects.update_or_create(user=mentee, defaults={"goals": "paediatric cardiology"})
    enroll(program, mentee, "mentee")
    enroll(program, mentor, "mentor", capacity=1)
    meera = make_mentor(hospital, "meera@example.org", "Meera Iyer", goals="research")
    enroll(program, meera, "mentor")
    return {"mentee": mentee, "vikram": mentor, "meera": meera}


def make_mentee(organization: Any, email: str, name: str, **profile: Any) -> Any:
    user = make_user(email, full_name=name)
    add_member(user, organization)
    Profile.objects.update_or_create(user=user, defaults=profile)
    return user


@pytest.fixture
def run_cohort(hospital, mentee, mentor):  # type: ignore[no-untyped-def]
    """A coordinator-matched programme: Asha, Ravi and Lina need mentors; Vikram has one
    place and Meera two; Uma is enrolled as a mentor but unverified."""
    program = make_program(
        hospital, name="Residents 2026", matching_mode="coordinator", verification_kind="licence"
    )
    verify(mentor, hospital)
    Profile.objects.update_or_create(user=mentor, defaults={"goals": "paediatric cardiology"})
    Profile.objects.update_or_create(user=mentee, defaults={"goals": "paediatric cardiology"})
    ravi = make_mentee(hospital, "ravi@example.org", "Ravi Kumar", goals="research methods")
    lina = make_mentee(hospital, "lina@example.org", "Lina Das", goals="leadership")
    meera = make_mentor(hospital, "meera@example.org", "Meera Iyer", goals="research methods")
    uma = make_user("uma@example.org", full_name="Uma Unverified")
    add_member(uma, hospital, "mentor")
    for person in (mentee, ravi, lina):
        enroll(program, person, "mentee")
    enroll(program, mentor, "mentor", capacity=1)
    enroll(program, meera, "mentor", capacity=2)
    enroll(program, uma, "mentor", capacity=3)
    return {
        "program": program,
        "asha": mentee,
        "ravi": ravi,
        "lina": lina,
        "vikram": mentor,
        "meera": meera,
        "uma": uma,
    }
