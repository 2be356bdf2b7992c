"""A programme's matching settings: the weight of each part of the score, and its format."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

from carementor.matching.engine.people import ProgramFormat


class Component(StrEnum):
    """The parts of a compatibility score, each a value in [0, 1]."""

    SPECIALTY = "specialty"
    PROFESSION = "profession"
    GOALS = "goals"
    COMPETENCY = "competency"
    CAREER = "career"
    LANGUAGE = "language"
    SCHEDULE = "schedule"
    FORMAT = "format"
    AVAILABILITY = "availability"
    ROLE = "role"


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative importance of each component. Only ratios matter; defaults sum to 1.

    A component that cannot be judged for a mentee (they gave no specialty, no goals, no
    target competency …) drops out and the others are rescaled, so a sparse profile is not
    penalised against every mentor alike and scores stay in [0, 1].
    """

    specialty: float = 0.20
    profession: float = 0.05
    goals: float = 0.15
    competency: float = 0.15
    career: float = 0.10
    language: float = 0.05
    schedule: float = 0.10
    format: float = 0.08
    availability: float = 0.04
    role: float = 0.08

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(v < 0 for v in values) or not any(v > 0 for v in values):
            raise ValueError("weights must be non-negative and not all zero")

    def of(self, component: Component) -> float:
        return float(getattr(self, component.value))

    @classmethod
    def from_mapping(cls, values: dict[str, float]) -> Weights:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(sorted(unknown))}")
        return cls(**{k: float(v) for k, v in values.items()})


class Direction(StrEnum):
    """Which way career stages should point for a format."""

    SENIOR = "senior"  # the mentor is ahead: most programmes
    NEAR_PEER = "near_peer"  # one or two stages ahead
    PEER = "peer"  # the same stage
    REVERSE = "reverse"  # the mentor is junior (reverse mentoring)


DIRECTION_OF_FORMAT: dict[ProgramFormat, Direction] = {
    ProgramFormat.PEER: Direction.PEER,
    ProgramFormat.NEAR_PEER: Direction.NEAR_PEER,
    ProgramFormat.REVERSE: Direction.REVERSE,
}


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    """What a programme decides about matching.

    `require_verified` excludes mentors whose credentials are not verified (a hard rule).
    """

    format: ProgramFormat = ProgramFormat.ONE_TO_ONE
    weights: Weights = field(default_factory=Weights)
    require_verified: bool = True

    @property
    def direction(self) -> Direction:
        return DIRECTION_OF_FORMAT.get(self.format, Direction.SENIOR)
