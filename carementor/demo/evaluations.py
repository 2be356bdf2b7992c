"""Demo data for evaluations. Safe to run twice."""

from typing import Any


def seed_evaluations(*, organizations: dict[str, Any], seed: int) -> None:
    """Filled in by the evaluations capability."""
