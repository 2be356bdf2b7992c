"""Demo data for certificates. Safe to run twice."""

from typing import Any


def seed_certificates(*, organizations: dict[str, Any], seed: int) -> None:
    """Filled in by the certificates capability."""
