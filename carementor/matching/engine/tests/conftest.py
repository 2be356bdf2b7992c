"""Small, fixed populations for the engine's tests (synthetic, seeded: no database)."""

import pytest

from carementor.matching.engine import Encoder, Person, Population, synthetic


def person(key: str, **fields: object) -> Person:
    """A complete, eligible profile; override what the test is about."""
    defaults: dict[str, object] = {
        "profession": "physician",
        "profession_group": "medicine",
        "specialties": ("paediatrics",),
        "career_rank": 2,
        "languages": ("en", "ta"),
        "timezone": "Asia/Kolkata",
        "preferred_slots": ("weekday_evening",),
        "meeting_formats": ("video",),
        "country": "IN",
        "city": "Chennai",
        "competencies": {"research-methods": 2},
        "targets": {"research-methods": 4},
        "goals": "prepare for fellowship applications in paediatric cardiology",
        "roles_sought": ("mentor",),
    }
    defaults.update(fields)
    return Person(key=key, **defaults)  # type: ignore[arg-type]


def mentor(key: str, **fields: object) -> Person:
    defaults: dict[str, object] = {
        "specialties": ("paediatric-cardiology",),
        "career_rank": 5,
        "competencies": {"research-methods": 4},
        "targets": {},
        "goals": "help residents with fellowship applications and research in cardiology",
        "roles_sought": (),
        "roles_offered": ("mentor",),
        "capacity": 3,
        "hours_per_month": 4,
        "verified": True,
    }
    defaults.update(fields)
    return person(key, **defaults)


def encode(mentees: list[Person], mentors: list[Person]) -> tuple[Population, Population]:
    encoder = Encoder(synthetic.taxonomy())
    encoder.fit_text([*mentees, *mentors])
    pool = encoder.population(mentors)
    return encoder.population(mentees), pool


@pytest.fixture(scope="session")
def cohort() -> tuple[Population, Population]:
    """300 synthetic mentees and 120 mentors, encoded with the real vocabularies."""
    return encode(
        synthetic.people(300, role="mentee", seed=7), synthetic.people(120, role="mentor", seed=7)
    )
