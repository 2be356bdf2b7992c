"""Creating many relationships at once (a published match run), in a few statements.

The same rows as ``services.mentorship_create`` — mentorship, parties, draft agreement, audit
event — written with ``bulk_create`` in the caller's transaction. Callers have checked
eligibility and capacity under their own locks, and tell people themselves, once per person.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from carementor.audit.models import AuditEvent
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    Agreement,
    Mentorship,
    MentorshipParty,
    PartyRole,
    Phase,
    Source,
)
from carementor.profiles.models import MentoringRole
from carementor.profiles.roles import agreement_defaults

if TYPE_CHECKING:
    from carementor.accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Group:
    """The people of one new relationship, by user id."""

    mentor_ids: Sequence[int]
    mentee_ids: Sequence[int]


def mentorships_create_bulk(
    *, program: Any, groups: Sequence[Group], role: str, actor: "User | None", source: str
) -> list[Mentorship]:
    """Create one relationship per group; returns them in the groups' order."""
    if role not in MentoringRole.values or source not in Source.values:
        raise ValueError(f"unknown role {role!r} or source {source!r}")
    for group in groups:
        if not group.mentor_ids or not group.mentee_ids:
            raise ValueError("a mentorship needs at least one mentor and one mentee")
        if set(group.mentor_ids) & set(group.mentee_ids):
            raise ValueError("nobody can be both mentor and mentee in the same mentorship")
    if not groups:
        return []
    now = timezone.now()
    has_agreement = bool(getattr(program, "has_agreement", True))
    creator = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        mentorships = Mentorship.objects.bulk_create(
            [
                Mentorship(
                    program=program,
                    organization_id=program.organization_id,
                    role=role,
                    source=source,
                    phase=Phase.PROPOSED if has_agreement else Phase.ACTIVE,
                    activated_at=None if has_agreement else now,
                    created_by=creator,
                    created_at=now,
                )
                for _group in groups
            ]
        )
        parties = []
        for mentorship, group in zip(mentorships, groups, strict=True):
            seen: set[int] = set()
            for ids, party_role in (
                (group.mentor_ids, PartyRole.MENTOR),
                (group.mentee_ids, PartyRole.MENTEE),
            ):
                for user_id in ids:
                    if user_id not in seen:
                        seen.add(user_id)
                        parties.append(
                            MentorshipParty(mentorship=mentorship, user_id=user_id, role=party_role)
                        )
        MentorshipParty.objects.bulk_create(parties, batch_size=2000)
        if has_agreement:
            defaults = agreement_defaults(program, role)
            Agreement.objects.bulk_create(
                [
                    Agreement(
                        mentorship=mentorship,
                        version=1,
                        **defaults,
                        confidentiality=str(DEFAULT_CONFIDENTIALITY),
                        created_by=creator,
                    )
                    for mentorship in mentorships
                ],
                batch_size=2000,
            )
        # The same event per relationship as a single creation writes (audit.record).
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=creator,
                    action="mentorship.created",
                    target_type=Mentorship._meta.label_lower,
                    target_id=mentorship.code,
                    organization_id=program.organization_id,
                    detail={"source": source, "role": role, "phase": mentorship.phase},
                )
                for mentorship in mentorships
            ],
            batch_size=2000,
        )
        if not has_agreement:
            ids = [m.pk for m in mentorships]
            transaction.on_commit(lambda: _surveys_for(ids))
    return mentorships


def _surveys_for(mentorship_ids: list[int]) -> None:
    """Baseline surveys for relationships that start active (formats without an agreement)."""
    from carementor.evaluations.schedule import create_due

    try:
        create_due(mentorships=list(Mentorship.objects.filter(pk__in=mentorship_ids)))
    except Exception:
        # Never undo the publication; the scheduled run catches up.
        logger.exception("Could not create surveys for %d new mentorships", len(mentorship_ids))
