"""Demo data for certificates: completion rules and CPD hours on the demo programmes, a
finished mentorship of Asha (mentee) and Vikram (mentor) with their certificates, certificates
for the other ended demo mentorships (one of them revoked), CPD logs with a manual entry, and
the hospital's signatory. Safe to run twice.

Rows are written directly (no notification, no e-mail) and PDFs are rendered only on download.
Whether a participant gets a certificate is decided by the real checklist, so the demo never
shows a certificate its own rules would not have issued.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.certificates.completion import checklist
from carementor.certificates.models import (
    Certificate,
    CertificateSettings,
    CertificateStatus,
    CompletionRule,
    CpdEntry,
)
from carementor.certificates.services import cpd_activity
from carementor.demo.rng import stable_code
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    ENDED_PHASES,
    Agreement,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Phase,
    Signature,
)
from carementor.programs.models import Program

HOSPITAL = "indus-ims"
CPD_HOURS = {  # template slug: (mentee, mentor)
    "digital-adoption": (Decimal("8.0"), Decimal("12.0")),
    "career-one-to-one": (Decimal("10.0"), Decimal("6.0")),
}
DEFAULT_CPD_HOURS = (Decimal("4.0"), Decimal("4.0"))
REVOKED_PLAN = "gen-redefined"  # its mentee's certificate is the revoked one
MANUAL_ENTRIES = [
    (
        "asha@example.org",
        "Neonatal resuscitation programme (NRP) provider course",
        "8.0",
        75,
        "NRP card 2291-44",
    ),
    (
        "vikram@example.org",
        "Faculty development workshop: giving feedback that lands",
        "6.0",
        120,
        "",
    ),
]


def seed_certificates(*, organizations: dict[str, Any], seed: int) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    programs = list(
        Program.objects.filter(organization__in=list(organizations.values())).select_related(
            "organization"
        )
    )
    with transaction.atomic():
        for program in programs:
            _rules_and_hours(program)
        hospital = organizations.get(HOSPITAL)
        if hospital is not None:
            CertificateSettings.objects.get_or_create(
                organization=hospital,
                defaults={
                    "signatory_name": "Dr Kavita Deshpande",
                    "signatory_title": "Dean, Postgraduate Medical Education",
                },
            )
            _asha_and_vikram(hospital, now)
        ended = (
            Mentorship.objects.filter(
                organization__in=list(organizations.values()), phase__in=ENDED_PHASES
            )
            # The national programme's thousands are left to `certificates_issue`.
            .exclude(program__code=stable_code("national-program"))
            .select_related("program__organization")
            .prefetch_related("parties__user")
            .order_by("pk")
        )
        for mentorship in ended:
            for party in mentorship.parties.all():
                _issue(party.user, mentorship.program, party.role, mentorship)
        _revoke_one(now)
        _manual_entries(now)


def _rules_and_hours(program: Program) -> None:
    mentee_hours, mentor_hours = CPD_HOURS.get(program.template, DEFAULT_CPD_HOURS)
    if not program.cpd_hours_mentee and not program.cpd_hours_mentor:
        Program.objects.filter(pk=program.pk).update(
            cpd_hours_mentee=mentee_hours, cpd_hours_mentor=mentor_hours
        )
        program.cpd_hours_mentee, program.cpd_hours_mentor = mentee_hours, mentor_hours
    for role in ("mentee", "mentor"):
        CompletionRule.objects.get_or_create(
            program=program,
            role=role,
            defaults={
                "agreement_signed": True,
                "meetings_held": 3,
                "goals_achieved": 1
                if role == "mentee" and program.template == "digital-adoption"
                else 0,
                "mentorship_ended": True,
            },
        )


def _asha_and_vikram(hospital: Any, now: datetime) -> None:
    """An earlier, finished relationship: Vikram mentored Asha through the EHR roll-out."""
    code = stable_code("demo-mentorship", "asha-vikram-ehr")
    if Mentorship.objects.filter(code=code).exists():
        return
    program = (
        Program.objects.filter(organization=hospital, template="digital-adoption").first()
        or Program.objects.filter(organization=hospital).order_by("created_at").first()
    )
    asha = User.objects.filter(email="asha@example.org").first()
    vikram = User.objects.filter(email="vikram@example.org").first()
    if program is None or asha is None or vikram is None:
        return
    started = now - timedelta(days=230)
    closed = now - timedelta(days=40)
    mentorship = Mentorship.objects.create(
        code=code,
        program=program,
        organization=hospital,
        role="mentor",
        source="request",
        phase=Phase.CLOSED,
        created_at=started - timedelta(days=5),
        activated_at=started,
        closing_started_at=closed - timedelta(days=14),
        closed_at=closed,
        outcome="achieved",
        reflection="Asha now teaches the growth-chart workflow to the new residents.",
        ends_on=closed.date(),
        last_meeting_at=closed - timedelta(days=3),
    )
    MentorshipParty.objects.bulk_create(
        [
            MentorshipParty(mentorship=mentorship, user=vikram, role="mentor", joined_at=started),
            MentorshipParty(mentorship=mentorship, user=asha, role="mentee", joined_at=started),
        ]
    )
    agreement = Agreement.objects.create(
        code=stable_code("demo-agreement", "asha-vikram-ehr"),
        mentorship=mentorship,
        goals="Use the EHR's paediatric growth charts at every clinic visit.\n"
        "Run one telehealth follow-up clinic.",
        expectations="Asha brings one EHR problem from clinic to each meeting.",
        meeting_frequency="Every two to four weeks",
        meeting_mode="Video",
        duration="Six months",
        confidentiality=str(DEFAULT_CONFIDENTIALITY),
        body=program.agreement_template,
        created_at=started - timedelta(days=5),
        effective_at=started,
    )
    Signature.objects.bulk_create(
        [
            Signature(agreement=agreement, signer=user, signed_at=started - timedelta(days=1))
            for user in (asha, vikram)
        ]
    )
    for number in range(1, 6):
        starts = (started + timedelta(days=35 * number)).replace(hour=13, minute=30)
        Meeting.objects.create(
            code=stable_code("demo-meeting", "asha-vikram-ehr", number),
            mentorship=mentorship,
            title=f"EHR clinic review {number}",
            starts_at=min(starts, closed - timedelta(days=3)),
            status=MeetingStatus.HELD,
            is_closure=number == 5,
            created_by=asha,
        )
    for title in (
        "Use the EHR's paediatric growth charts at every clinic visit",
        "Run one telehealth follow-up clinic",
    ):
        Goal.objects.create(
            code=stable_code("demo-goal", "asha-vikram-ehr", title),
            mentorship=mentorship,
            title=title,
            status=GoalStatus.ACHIEVED,
            progress=100,
            created_by=asha,
            created_at=started,
        )


def _issue(user: User, program: Program, role: str, mentorship: Mentorship) -> None:
    key = (program.code, user.code, role)
    code = stable_code("demo-certificate", *key, length=16)
    if Certificate.objects.filter(holder=user, program=program, role=role).exists():
        return
    found = checklist(user, program, role)
    if not found.complete or found.completed_on is None:
        return
    hours = program.cpd_hours_mentor if role == "mentor" else program.cpd_hours_mentee
    issued_at = (mentorship.closed_at or timezone.now()) + timedelta(days=1)
    certificate = Certificate.objects.create(
        code=code,
        holder=user,
        holder_name=user.full_name or user.email,
        program=program,
        program_name=program.name,
        organization=program.organization,
        organization_name=program.organization.name,
        role=role,
        started_on=found.started_on or found.completed_on,
        completed_on=found.completed_on,
        issued_at=issued_at,
        cpd_hours=hours,
    )
    if hours:
        CpdEntry.objects.create(
            code=stable_code("demo-cpd", *key),
            user=user,
            activity=cpd_activity(role, program, user),
            hours=hours,
            date=found.completed_on,
            source=CpdEntry.Source.CERTIFICATE,
            certificate=certificate,
            created_at=issued_at,
        )


def _revoke_one(now: datetime) -> None:
    mentorship = Mentorship.objects.filter(
        code=stable_code("demo-mentorship", REVOKED_PLAN)
    ).first()
    if mentorship is None:
        return
    certificate = Certificate.objects.filter(
        program=mentorship.program,
        role="mentee",
        holder__in=[p.user_id for p in mentorship.parties.filter(role="mentee")],
        status=CertificateStatus.VALID,
    ).first()
    if certificate is None:
        return
    revoked_at = certificate.issued_at + timedelta(days=9)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = min(revoked_at, now)
    certificate.revocation_reason = (
        "Issued in error: the relationship continued as peer mentoring and the closure "
        "meeting was not held."
    )
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CpdEntry.objects.filter(certificate=certificate).update(
        is_void=True, voided_at=certificate.revoked_at
    )


def _manual_entries(now: datetime) -> None:
    for email, activity, hours, days_ago, evidence in MANUAL_ENTRIES:
        user = User.objects.filter(email=email).first()
        code = stable_code("demo-cpd-manual", email)
        if user is None or CpdEntry.objects.filter(code=code).exists():
            continue
        CpdEntry.objects.create(
            code=code,
            user=user,
            activity=activity,
            hours=Decimal(hours),
            date=(now - timedelta(days=days_ago)).date(),
            evidence=evidence,
            source=CpdEntry.Source.MANUAL,
        )
