"""Test-data helpers for profiles: the few vocabulary rows the tests name, and profiles.

The shipped vocabularies are loaded by a data migration, so these helpers fetch a row by
its code when it exists and create it only when it does not.
"""

from types import SimpleNamespace
from typing import Any

import pytest

from carementor.profiles.models import (
    CareerStage,
    Competency,
    Country,
    Language,
    Profession,
    Profile,
    ProfileCompetency,
    Specialty,
)


def vocabulary_row(model: Any, code: str, **defaults: Any) -> Any:
    row, _created = model.objects.get_or_create(code=code, defaults=defaults)
    return row


@pytest.fixture
def vocab(db):  # type: ignore[no-untyped-def]
    paediatrics = vocabulary_row(
        Specialty, "paediatrics", name="Paediatrics", profession_group="medicine"
    )
    return SimpleNamespace(
        physician=vocabulary_row(
            Profession, "physician", name="Doctor (physician or surgeon)", group="medicine"
        ),
        nurse=vocabulary_row(Profession, "registered-nurse", name="Nurse", group="nursing"),
        resident=vocabulary_row(CareerStage, "resident", name="Resident", rank=2),
        senior=vocabulary_row(CareerStage, "senior", name="Senior / consultant", rank=5),
        paediatrics=paediatrics,
        paediatric_cardiology=vocabulary_row(
            Specialty,
            "paediatric-cardiology",
            name="Paediatric Cardiology",
            profession_group="medicine",
            parent=paediatrics,
        ),
        general_nursing=vocabulary_row(
            Specialty, "general-nursing", name="General nursing", profession_group="nursing"
        ),
        english=vocabulary_row(Language, "en", name="English"),
        tamil=vocabulary_row(Language, "ta", name="Tamil"),
        hindi=vocabulary_row(Language, "hi", name="Hindi"),
        india=vocabulary_row(Country, "IN", name="India"),
        uk=vocabulary_row(Country, "GB", name="United Kingdom"),
        clinical_reasoning=vocabulary_row(
            Competency, "clinical-reasoning", name="Clinical reasoning", domain="clinical"
        ),
        ehr_use=vocabulary_row(
            Competency, "ehr-use", name="EHR use", domain="digital", is_digital=True
        ),
        telehealth=vocabulary_row(
            Competency, "telehealth", name="Telehealth", domain="digital", is_digital=True
        ),
    )


def make_profile(
    user: Any,
    *,
    specialties: tuple[Any, ...] = (),
    languages: tuple[Any, ...] = (),
    competencies: tuple[tuple[Any, int, int | None], ...] = (),
    **fields: Any,
) -> Profile:
    profile, _created = Profile.objects.update_or_create(user=user, defaults=fields)
    profile.specialties.set(specialties)
    profile.languages.set(languages)
    for competency, level, target in competencies:
        ProfileCompetency.objects.create(
            profile=profile, competency=competency, level=level, target_level=target
        )
    return profile


@pytest.fixture
def asha_profile(mentee, vocab):  # type: ignore[no-untyped-def]
    """The mentee's profile, fully filled in, visible to her organization."""
    return make_profile(
        mentee,
        headline="Paediatrics resident, Chennai",
        profession=vocab.physician,
        career_stage=vocab.resident,
        years_in_practice=2,
        workplace="Chennai Children's Teaching Hospital",
        country=vocab.india,
        region="Tamil Nadu",
        city="Chennai",
        goals="Prepare a paediatric cardiology fellowship application.",
        roles_sought=["mentor", "peer"],
        preferred_slots=["weekday_evening"],
        meeting_formats=["video"],
        shift_pattern="on_call",
        specialties=(vocab.paediatrics,),
        languages=(vocab.english, vocab.tamil),
        competencies=((vocab.ehr_use, 2, 4), (vocab.clinical_reasoning, 3, None)),
    )


def profile_post(**overrides: Any) -> dict[str, Any]:
    """A complete, valid edit-page submission; override or drop (None) any field."""
    data: dict[str, Any] = {
        "full_name": "Dr Asha Raman",
        "headline": "Paediatrics resident, Chennai",
        "bio": "Second-year resident.",
        "profession": "physician",
        "career_stage": "resident",
        "specialties": ["paediatrics", "paediatric-cardiology"],
        "years_in_practice": "2",
        "workplace": "Chennai Children's Teaching Hospital",
        "languages": ["en", "ta"],
        "country": "IN",
        "region": "Tamil Nadu",
        "city": "Chennai",
        "timezone": "Asia/Kolkata",
        "hours_per_month": "4",
        "preferred_slots": ["weekday_evening", "weekend_morning"],
        "shift_pattern": "on_call",
        "meeting_formats": ["video", "phone"],
        "goals": "A fellowship in paediatric cardiology.",
        "interests": "Congenital heart disease.",
        "roles_offered": ["peer"],
        "roles_sought": ["mentor", "peer"],
        "mentoring_capacity": "1",
        "supervisor_email": "",
        "visibility": "organization",
        "competencies-TOTAL_FORMS": "2",
        "competencies-INITIAL_FORMS": "0",
        "competencies-0-competency": "ehr-use",
        "competencies-0-level": "2",
        "competencies-0-target_level": "4",
        "competencies-1-competency": "telehealth",
        "competencies-1-level": "",
        "competencies-1-target_level": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def queries_for(client: Any, url: str) -> int:
    """How many queries one GET takes: a baseline for the N+1 guards.

    The guards compare a page of many rows with a page of a few rather than with a fixed
    number, so layout queries added elsewhere (navigation, middleware) do not break them.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_colleagues(organization: Any, vocab: Any, count: int, *, start: int = 0) -> None:
    from carementor.lib.testing import add_member, make_user

    for number in range(start, start + count):
        user = make_user(f"p{number:02d}@example.org", full_name=f"Person {number:02d}")
        add_member(user, organization)
        make_profile(
            user,
            profession=vocab.physician,
            career_stage=vocab.resident,
            country=vocab.india,
            roles_offered=["peer"],
            specialties=(vocab.paediatrics, vocab.paediatric_cardiology),
            languages=(vocab.english, vocab.tamil),
        )


# What a colleague sees of Asha's profile (the demo cast in the root conftest).
ASHA_PUBLIC = {
    "full_name": "Asha Raman",
    "headline": "Paediatrics resident, Chennai",
    "bio": "",
    "profession": "physician",
    "career_stage": "resident",
    "specialties": ["paediatrics"],
    "years_in_practice": 2,
    "workplace": "Chennai Children's Teaching Hospital",
    "country": "IN",
    "region": "Tamil Nadu",
    "city": "Chennai",
    "languages": ["en", "ta"],
    "timezone": "Asia/Kolkata",
    "hours_per_month": None,
    "preferred_slots": ["weekday_evening"],
    "shift_pattern": "on_call",
    "meeting_formats": ["video"],
    "competencies": [
        {"competency": "clinical-reasoning", "level": 3, "target_level": None},
        {"competency": "ehr-use", "level": 2, "target_level": 4},
    ],
    "goals": "Prepare a paediatric cardiology fellowship application.",
    "interests": "",
    "roles_offered": [],
    "roles_sought": ["mentor", "peer"],
    "mentoring_capacity": 0,
}
