"""Demo invitations, so each organization's invitations page has something in every state.

Per organization: a few pending invitations with different roles, one expired and one
accepted (the one that brought a persona in). Pending ones go through
`organizations.services.invitation_create`, like an admin's: audited, and the e-mail is
queued after commit. Only the database task backend is configured in development, so
nothing is sent until `make worker` runs, and it is queued once, when the row is created.
Expired and accepted ones are history, written directly with past dates.

Keyed by organization and e-mail address: an address that has any invitation there (in any
state, whatever a tester did to it) is left alone. The one exception keeps the page useful on
a long-lived database: a demo invitation meant to be pending that has run out is resent.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.logins import (
    AISHA,
    COLLEGE,
    HOSPITAL,
    MARY,
    ROHAN,
    STAFF,
    TOM,
    TRUST,
    VIKRAM,
)
from carementor.demo.rng import stable_code
from carementor.organizations import services
from carementor.organizations.models import Invitation, Organization

PENDING, EXPIRED, ACCEPTED = "pending", "expired", "accepted"


@dataclass(frozen=True)
class InvitationSpec:
    email: str
    roles: tuple[str, ...]
    state: str
    days_ago: int  # when it was sent (for accepted ones: before the persona joined)


@dataclass(frozen=True)
class OrganizationInvitations:
    # Who sends them: the organization's admin login; platform staff for the college,
    # which has a coordinator but no admin among the logins.
    inviter: str
    invitations: tuple[InvitationSpec, ...]


INVITATIONS: dict[str, OrganizationInvitations] = {
    HOSPITAL: OrganizationInvitations(
        ROHAN.email,
        (
            InvitationSpec("sneha.kulkarni@example.org", ("mentor",), PENDING, 0),
            InvitationSpec("arjun.reddy@example.org", (), PENDING, 3),
            InvitationSpec("farah.siddiqui@example.org", ("reviewer",), PENDING, 9),
            InvitationSpec("manoj.deshpande@example.org", ("coordinator",), EXPIRED, 30),
            InvitationSpec(VIKRAM.email, ("mentor",), ACCEPTED, 4),
        ),
    ),
    TRUST: OrganizationInvitations(
        TOM.email,
        (
            InvitationSpec("hannah.clarke@example.org", ("mentor", "coordinator"), PENDING, 1),
            InvitationSpec("imran.hussain@example.org", (), PENDING, 4),
            InvitationSpec("gareth.evans@example.org", ("mentor",), PENDING, 11),
            InvitationSpec("sophie.turner@example.org", ("reviewer",), EXPIRED, 45),
            InvitationSpec(AISHA.email, (), ACCEPTED, 2),
        ),
    ),
    COLLEGE: OrganizationInvitations(
        STAFF.email,
        (
            InvitationSpec("reshma.joseph@example.org", ("mentor",), PENDING, 2),
            InvitationSpec("bincy.varghese@example.org", (), PENDING, 6),
            InvitationSpec("jincy.mathew@example.org", ("coordinator",), EXPIRED, 21),
            InvitationSpec(MARY.email, ("coordinator", "mentor"), ACCEPTED, 7),
        ),
    ),
}


@dataclass(frozen=True)
class InvitationsResult:
    total: int
    created: int


def seed_invitations(*, organizations: dict[str, Organization]) -> InvitationsResult:
    """Create the missing demo invitations; resend demo ones meant to be pending that expired."""
    wanted = {
        (organizations[slug].pk, spec.email): (slug, spec)
        for slug, group in INVITATIONS.items()
        if slug in organizations
        for spec in group.invitations
    }
    existing = {
        (row.organization_id, row.email_key): row
        for row in Invitation.objects.annotate(email_key=Lower("email")).filter(
            organization__in=[organizations[slug] for slug, _spec in wanted.values()],
            email_key__in=[email for _org, email in wanted],
        )
    }
    people = {
        user.email: user
        for user in User.objects.filter(
            email__in=[group.inviter for group in INVITATIONS.values()]
            + [spec.email for _slug, spec in wanted.values() if spec.state == ACCEPTED]
        )
    }
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for key, (slug, spec) in wanted.items():
            organization = organizations[slug]
            inviter = people.get(INVITATIONS[slug].inviter)
            invitation = existing.get(key)
            if invitation is not None:
                if spec.state == PENDING and inviter is not None and _ran_out(invitation, now):
                    services.invitation_resend(invitation, inviter)
                continue
            if spec.state == PENDING and inviter is not None:
                created += _create_pending(organization, slug, spec, inviter, now)
            elif spec.state == EXPIRED:
                created += _create_history(organization, slug, spec, inviter, now, None)
            elif spec.state == ACCEPTED and spec.email in people:
                joined = people[spec.email]
                created += _create_history(organization, slug, spec, inviter, now, joined)
    total = sum(1 for key in wanted if key in existing) + created
    return InvitationsResult(total=total, created=created)


def _ran_out(invitation: Invitation, now: datetime.datetime) -> bool:
    still_open = invitation.accepted_at is None and invitation.revoked_at is None
    return still_open and invitation.expires_at <= now


def _create_pending(
    organization: Organization,
    slug: str,
    spec: InvitationSpec,
    inviter: User,
    now: datetime.datetime,
) -> int:
    try:
        invitation = services.invitation_create(organization, spec.email, spec.roles, inviter)
    except services.Conflict:
        # Someone with this address joined on their own: nothing to invite.
        return 0
    lifetime = datetime.timedelta(days=settings.CAREMENTOR_INVITATION_DAYS)
    # Sent a few days ago, yet still pending however short the configured lifetime.
    sent = max(now - datetime.timedelta(days=spec.days_ago), now - lifetime / 2)
    Invitation.objects.filter(pk=invitation.pk).update(
        code=stable_code("invitation", slug, spec.email),
        created_at=sent,
        expires_at=sent + lifetime,
    )
    return 1


def _create_history(
    organization: Organization,
    slug: str,
    spec: InvitationSpec,
    inviter: User | None,
    now: datetime.datetime,
    accepted_by: User | None,
) -> int:
    lifetime = datetime.timedelta(days=settings.CAREMENTOR_INVITATION_DAYS)
    if accepted_by is not None:
        accepted_at: datetime.datetime | None = accepted_by.date_joined
        sent = accepted_by.date_joined - datetime.timedelta(days=spec.days_ago)
    else:
        accepted_at = None
        sent = now - datetime.timedelta(days=spec.days_ago)
        sent = min(sent, now - lifetime - datetime.timedelta(days=1))
    invitation = Invitation.objects.create(
        code=stable_code("invitation", slug, spec.email),
        organization=organization,
        email=spec.email,
        roles=services.clean_roles(spec.roles),
        invited_by=inviter,
        expires_at=sent + lifetime,
        accepted_at=accepted_at,
        accepted_by=accepted_by,
    )
    # created_at is auto_now_add: set the past date afterwards.
    Invitation.objects.filter(pk=invitation.pk).update(created_at=sent)
    return 1
