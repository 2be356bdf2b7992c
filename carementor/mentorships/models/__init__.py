"""Mentorship models, one module per part of the relationship."""

from carementor.mentorships.models.relationship import (
    DEFAULT_CONFIDENTIALITY,
    ENDED_PHASES,
    NEXT_STEPS,
    OPEN_PHASES,
    Agreement,
    ExtensionRequest,
    HelpRequest,
    Mentorship,
    MentorshipParty,
    MentorshipQuerySet,
    Outcome,
    PartyRole,
    Phase,
    Signature,
    Source,
)

__all__ = [
    "DEFAULT_CONFIDENTIALITY",
    "ENDED_PHASES",
    "NEXT_STEPS",
    "OPEN_PHASES",
    "Agreement",
    "ExtensionRequest",
    "HelpRequest",
    "Mentorship",
    "MentorshipParty",
    "MentorshipQuerySet",
    "Outcome",
    "PartyRole",
    "Phase",
    "Signature",
    "Source",
]
