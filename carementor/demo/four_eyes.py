"""Four eyes in the demo: proposals by Priya Nair that Kavya Menon (the second reviewer login)
can confirm or decline.

The credentials showcase (credentials.py) has Kavya propose and Priya confirm; this step adds
the other direction, on a fresh database and on one seeded before Kavya could log in alike.
Each kind of proposal is made once: as soon as Priya has ever proposed a rejection (or a
revocation) in the hospital, that part changes nothing, even after Kavya has decided it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials.models import CHECKLIST_KEYS, Credential, ReviewEvent
from carementor.demo.logins import HOSPITAL, KAVYA, LOGINS, PRIYA
from carementor.organizations.models import Membership, Organization

Status = Credential.Status
Pending = Credential.PendingAction
Action = ReviewEvent.Action

REJECTION_REASON = (
    "The registration number on the certificate is not on the council's register. "
    "Please upload the renewal certificate or ask the council to correct the register."
)
REVOCATION_REASON = "The council's register now shows this registration as suspended."
# Schemes that prove identity or employment, not a licence a council can suspend.
NOT_LICENCES = ("identity", "employment")


def seed_four_eyes(*, organizations: dict[str, Organization]) -> int:
    """Make Priya's proposals for Kavya; returns how many credentials it changed."""
    hospital = organizations.get(HOSPITAL)
    priya = User.objects.filter(email=PRIYA.email).first()
    kavya_is_reviewer = Membership.objects.filter(
        user__email=KAVYA.email, organization=hospital, is_reviewer=True
    ).exists()
    if hospital is None or priya is None or not kavya_is_reviewer:
        return 0
    proposed = set(
        ReviewEvent.objects.filter(
            credential__organization=hospital,
            actor=priya,
            action__in=(Action.REJECTION_PROPOSED, Action.REVOCATION_PROPOSED),
        ).values_list("action", flat=True)
    )
    personas = [login.person.email for login in LOGINS]
    open_ = Credential.objects.filter(organization=hospital, pending_action=Pending.NONE).exclude(
        holder__email__in=personas
    )
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        if Action.REJECTION_PROPOSED not in proposed:
            # A waiting submission from the showcase queue (never the NPI example).
            candidate = (
                open_.filter(status=Status.SUBMITTED, evidence__isnull=False)
                .exclude(scheme="us_npi")
                .order_by("holder__email", "id")
                .first()
            )
            if candidate is not None:
                _propose_rejection(candidate, priya, now)
                changed += 1
        if Action.REVOCATION_PROPOSED not in proposed:
            # A generated mentor's verified licence: a revocation hides them from matching.
            mentors = Membership.objects.filter(organization=hospital, is_mentor=True)
            candidate = (
                open_.filter(status=Status.VERIFIED, holder__in=mentors.values("user"))
                .exclude(scheme__in=NOT_LICENCES)
                .order_by("holder__email", "id")
                .first()
            )
            if candidate is not None:
                _propose_revocation(candidate, priya, now)
                changed += 1
    return changed


def _propose_rejection(credential: Credential, priya: User, now: datetime.datetime) -> None:
    started = now - datetime.timedelta(hours=26)
    checklist = dict.fromkeys(CHECKLIST_KEYS, True) | {"register": False}
    credential.status, credential.status_changed_at = Status.IN_REVIEW, started
    credential.reviewer = priya
    credential.pending_action, credential.pending_by = Pending.REJECT, priya
    credential.pending_reason, credential.pending_checklist = REJECTION_REASON, checklist
    credential.pending_at = now - datetime.timedelta(hours=25)
    credential.save()
    ReviewEvent.objects.bulk_create(
        [
            ReviewEvent(
                credential=credential, action=Action.REVIEW_STARTED, actor=priya, at=started
            ),
            ReviewEvent(
                credential=credential,
                action=Action.REJECTION_PROPOSED,
                actor=priya,
                reason=REJECTION_REASON,
                checklist=checklist,
                at=credential.pending_at,
            ),
        ]
    )


def _propose_revocation(credential: Credential, priya: User, now: datetime.datetime) -> None:
    credential.pending_action, credential.pending_by = Pending.REVOKE, priya
    credential.pending_reason, credential.pending_checklist = REVOCATION_REASON, {}
    credential.pending_at = now - datetime.timedelta(hours=3)
    credential.save()
    ReviewEvent.objects.create(
        credential=credential,
        action=Action.REVOCATION_PROPOSED,
        actor=priya,
        reason=REVOCATION_REASON,
        at=credential.pending_at,
    )
