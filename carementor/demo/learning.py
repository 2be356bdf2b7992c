"""Demo data for learning. Safe to run twice."""

from typing import Any


def seed_learning(*, organizations: dict[str, Any], seed: int) -> None:
    """Filled in by the learning capability."""
