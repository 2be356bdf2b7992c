"""What the engine knows about a person and about a programme, as plain values.

`Person` maps one to one onto `carementor.profiles.models.Profile` (the Django side builds it
from a profile, its vocabularies and its competency rows); the string constants below are the
values of the profile's choice fields, repeated here so the engine needs no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Slot(StrEnum):
    """`profiles.models.Slot`: when a person prefers to meet, in their own timezone."""

    WEEKDAY_MORNING = "weekday_morning"
    WEEKDAY_AFTERNOON = "weekday_afternoon"
    WEEKDAY_EVENING = "weekday_evening"
    WEEKEND_MORNING = "weekend_morning"
    WEEKEND_AFTERNOON = "weekend_afternoon"
    WEEKEND_EVENING = "weekend_evening"
    NIGHT = "night"


class MeetingFormat(StrEnum):
    """`profiles.models.MeetingFormat`."""

    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"
    CHAT = "chat"


class MentoringRole(StrEnum):
    """`profiles.models.MentoringRole`."""

    MENTOR = "mentor"
    COACH = "coach"
    ADVISOR = "advisor"
    SPONSOR = "sponsor"
    PEER = "peer"


class ProgramFormat(StrEnum):
    """A programme's format; it decides which way career stages should point."""

    ONE_TO_ONE = "one_to_one"
    GROUP = "group"
    PEER = "peer"
    NEAR_PEER = "near_peer"
    FLASH = "flash"
    SPEED = "speed"
    REVERSE = "reverse"
    E_MENTORING = "e_mentoring"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class Person:
    """One side of a pair: a mentee, a mentor, or a peer.

    `key` is any stable identifier (the profile code); `supervisor`, `conflicts` and
    `assesses` hold other people's keys. Languages are ISO 639 codes, the first one the
    person's preferred language. `competencies` maps a competency code to the self-rated level
    (1 novice … 5 expert) and `targets` to the level the person wants to reach.
    `active_mentees` is how much of `capacity` is already used.
    """

    key: str
    profession: str | None = None
    profession_group: str | None = None
    specialties: tuple[str, ...] = ()
    career_rank: int | None = None
    years_in_practice: int | None = None
    languages: tuple[str, ...] = ()
    timezone: str | None = None
    preferred_slots: tuple[str, ...] = ()
    meeting_formats: tuple[str, ...] = ()
    country: str | None = None
    city: str | None = None
    competencies: Mapping[str, int] = field(default_factory=dict)
    targets: Mapping[str, int] = field(default_factory=dict)
    goals: str = ""
    interests: str = ""
    roles_offered: tuple[str, ...] = ()
    roles_sought: tuple[str, ...] = ()
    capacity: int = 0
    active_mentees: int = 0
    hours_per_month: int | None = None
    supervisor: str | None = None
    conflicts: frozenset[str] = frozenset()
    assesses: frozenset[str] = frozenset()
    verified: bool = False

    def growth_targets(self) -> dict[str, tuple[int, int]]:
        """Competencies the person wants to grow: code → (current level, target level)."""
        return {
            code: (self.competencies.get(code, 1), target)
            for code, target in self.targets.items()
            if target > self.competencies.get(code, 1)
        }


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The specialty tree and profession groups, from the profiles vocabularies.

    `specialty_parent` maps a specialty code to its parent code (None for a root);
    `specialty_group` maps it to a profession group (medicine, nursing, …).
    """

    specialty_parent: Mapping[str, str | None] = field(default_factory=dict)
    specialty_group: Mapping[str, str] = field(default_factory=dict)

    def ancestors(self, code: str) -> list[str]:
        """The code itself, then its parent, grandparent … up to the root."""
        chain = [code]
        seen = {code}
        parent = self.specialty_parent.get(code)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.specialty_parent.get(parent)
        return chain
