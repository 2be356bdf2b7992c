"""Demo open network: verified mentors from several organizations offering mentoring there,
and network relationships of every role (mentor, coach, advisor, sponsor, peer), each with its
role's own agreement. Rows are written directly (no e-mail); safe to run twice.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials.models import matchable_mentors
from carementor.demo.rng import stable_code
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    Agreement,
    Mentorship,
    MentorshipParty,
    Phase,
    Signature,
)
from carementor.network.models import MentorOffer
from carementor.network.services import NETWORK_SLUG, network_program
from carementor.organizations.models import Organization
from carementor.profiles.models import MentoringRole
from carementor.profiles.roles import agreement_defaults
from carementor.programs.models import Enrollment

OFFERS_PER_ORGANIZATION = 6


def _ready_mentors(organization: Organization, program: Any) -> list[User]:
    """Verified generated mentors of one organization whose profile the network can show."""
    users = matchable_mentors(
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            profile__profession__isnull=False,
            profile__career_stage__isnull=False,
            profile__country__isnull=False,
            profile__mentoring_capacity__gt=0,
        ),
        verification_kind=program.verification_kind,
    )
    users = users.annotate(
        n_lang=Count("profile__languages", distinct=True),
        n_spec=Count("profile__specialties", distinct=True),
    ).filter(n_lang__gt=0, n_spec__gt=0)
    return list(users.select_related("profile").order_by("pk")[:OFFERS_PER_ORGANIZATION])


def seed_network(*, organizations: dict[str, Organization]) -> dict[str, int]:
    """Offers from every organization's verified mentors, and one relationship per role."""
    program = network_program()
    roles = list(MentoringRole.values)
    offers = 0
    offering: list[User] = []
    with transaction.atomic():
        for slug, organization in sorted(organizations.items()):
            if slug == NETWORK_SLUG:
                continue
            for index, user in enumerate(_ready_mentors(organization, program)):
                offered = [r for r in user.profile.roles_offered if r in roles]
                # Every role is offered somewhere: rotate one in beside the profile's own.
                extra = roles[(index + len(offering)) % len(roles)]
                offered = [r for r in roles if r in {*offered, extra}]
                offer, created = MentorOffer.objects.get_or_create(
                    user=user,
                    defaults={
                        "code": stable_code("network-offer", user.pk),
                        "roles": offered,
                        "capacity": min(max(user.profile.mentoring_capacity, 2), 4),
                        "online": True,
                        "in_person": index % 2 == 0,
                        "regions": user.profile.region,
                    },
                )
                if created:
                    offer.languages.set(user.profile.languages.all())
                    offers += 1
                Enrollment.objects.get_or_create(
                    program=program,
                    user=user,
                    defaults={
                        "role": Enrollment.Role.MENTOR,
                        "status": Enrollment.Status.APPROVED,
                        "capacity": offer.capacity,
                        "decided_at": timezone.now(),
                    },
                )
                offering.append(user)
        relationships = _relationships(program, offering, roles)
        _national_lead(program.organization)
    return {"network offers": offers, "network relationships": relationships}


def _national_lead(organization: Organization) -> None:
    """Lakshmi leads the open network, a national programme: she reads its figures across
    the organizations taking part (`insights.national`)."""
    from carementor.demo.logins import NATIONAL_LEAD
    from carementor.organizations.models import Membership

    lead = User.objects.filter(email=NATIONAL_LEAD.email).first()
    if lead is None:
        return
    membership, created = Membership.objects.get_or_create(
        user=lead,
        organization=organization,
        defaults={
            "code": stable_code("membership", NATIONAL_LEAD.code, organization.slug),
            "is_coordinator": True,
            "is_admin": True,
        },
    )
    if not created and not (membership.is_coordinator and membership.is_admin):
        membership.is_coordinator = membership.is_admin = True
        membership.save(update_fields=["is_coordinator", "is_admin"])


def _relationships(program: Any, offering: list[User], roles: list[str]) -> int:
    """One active network relationship per role, between mentors and mentees of different
    organizations, each starting from its role's agreement."""
    if len(offering) < 2:
        return 0
    by_role: dict[str, User] = {}
    for user in offering:
        for role in user.network_offer.roles:
            by_role.setdefault(role, user)
    mentees = list(
        User.objects.filter(
            is_active=True,
            profile__roles_sought__isnull=False,
            profile__mentoring_capacity=0,
            memberships__isnull=False,
        )
        .exclude(pk__in=[u.pk for u in offering])
        .distinct()
        .order_by("-pk")[: len(roles)]
    )
    created = 0
    now = timezone.now()
    for index, role in enumerate(roles):
        mentor = by_role.get(role)
        if mentor is None or index >= len(mentees):
            continue
        mentee = mentees[index]
        code = stable_code("network-mentorship", role)
        if Mentorship.objects.filter(code=code).exists():
            continue
        started = now - timedelta(days=40 + 10 * index)
        mentorship = Mentorship.objects.create(
            code=code,
            program=program,
            organization=program.organization,
            role=role,
            source="request",
            phase=Phase.ACTIVE,
            created_at=started,
            activated_at=started + timedelta(days=3),
            last_meeting_at=now - timedelta(days=5 + index),
        )
        MentorshipParty.objects.bulk_create(
            [
                MentorshipParty(mentorship=mentorship, user=mentor, role="mentor"),
                MentorshipParty(mentorship=mentorship, user=mentee, role="mentee"),
            ]
        )
        agreement = Agreement.objects.create(
            code=stable_code("network-agreement", role),
            mentorship=mentorship,
            version=1,
            confidentiality=str(DEFAULT_CONFIDENTIALITY),
            created_at=started,
            effective_at=started + timedelta(days=3),
            **agreement_defaults(program, role),
        )
        Signature.objects.bulk_create(
            [
                Signature(agreement=agreement, signer=u, signed_at=started + timedelta(days=2))
                for u in (mentor, mentee)
            ]
        )
        Enrollment.objects.get_or_create(
            program=program,
            user=mentee,
            defaults={
                "role": Enrollment.Role.MENTEE,
                "status": Enrollment.Status.APPROVED,
                "decided_at": now,
            },
        )
        seat = Enrollment.objects.get(program=program, user=mentor)
        taken = Mentorship.objects.counting_against_capacity(program, mentor).count()
        seat.capacity = max(seat.capacity, taken)
        seat.seats_taken = taken
        seat.save(update_fields=["capacity", "seats_taken", "updated_at"])
        created += 1
    return created
