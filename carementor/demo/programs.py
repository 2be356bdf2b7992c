"""Demo programmes in every organization: several formats, including digital-technology
adoption coaching, with enrolments, open requests, a draft match run and an upcoming
speed-mentoring event. Safe to run twice."""

import datetime
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials.models import matchable_mentors
from carementor.matching import runs, speed
from carementor.matching.models import MatchRequest, MatchRun, SpeedEvent
from carementor.matching.suggestions import explain_pair
from carementor.organizations.models import Membership
from carementor.profiles.models import Competency
from carementor.programs.catalog import get_template
from carementor.programs.models import Enrollment, EnrollmentQuestion, Program

PLAN = [
    ("digital-adoption", Program.Status.PUBLISHED),
    ("career-one-to-one", Program.Status.PUBLISHED),
    ("peer-circles", Program.Status.DRAFT),
    ("speed-event", Program.Status.PUBLISHED),
]
MENTORS_PER_PROGRAM = 12
# The medical college runs near-peer families: faculty, a resident and students.
FAMILIES_ORGANIZATION = "indus-ims"
FAMILY_FACULTY = 4
FAMILY_RESIDENTS = 6
FAMILY_STUDENTS = 12
MENTEES_PER_PROGRAM = 30
REQUESTS_PER_PROGRAM = 6


def _program(organization: Any, slug: str, status: str) -> Program:
    template = get_template(slug)
    assert template is not None
    values = template.initial()
    name = values.pop("name")
    program, created = Program.objects.get_or_create(
        organization=organization,
        name=name,
        defaults={**values, "template": slug, "status": status},
    )
    if created:
        program.focus_competencies.set(Competency.objects.filter(code__in=template.competencies))
        for position, question in enumerate(template.questions):
            EnrollmentQuestion.objects.create(program=program, position=position, **question)
    return program


def seed_programs(*, organizations: dict[str, Any]) -> int:
    """Returns how many programmes exist in the demo organizations afterwards."""
    for organization in organizations.values():
        members = Membership.objects.filter(organization=organization)
        mentor_ids = list(
            matchable_mentors(
                User.objects.filter(pk__in=members.filter(is_mentor=True).values("user_id"))
            )
            .order_by("pk")
            .values_list("pk", flat=True)[: MENTORS_PER_PROGRAM * 2]
        )
        mentee_ids = list(
            members.filter(is_mentor=False, is_coordinator=False, is_admin=False, is_reviewer=False)
            .order_by("pk")
            .values_list("user_id", flat=True)[:MENTEES_PER_PROGRAM]
        )
        for index, (slug, status) in enumerate(PLAN):
            with transaction.atomic():
                program = _program(organization, slug, status)
                chosen = mentor_ids[index % 2 :: 2][:MENTORS_PER_PROGRAM]
                Enrollment.objects.bulk_create(
                    [
                        Enrollment(
                            program=program,
                            user_id=pk,
                            role=Enrollment.Role.MENTOR,
                            status=Enrollment.Status.APPROVED,
                            capacity=program.default_mentor_capacity,
                        )
                        for pk in chosen
                    ]
                    + [
                        Enrollment(
                            program=program,
                            user_id=pk,
                            role=Enrollment.Role.MENTEE,
                            # A few applications wait for the coordinator's decision.
                            status=Enrollment.Status.APPLIED
                            if n % 7 == 6
                            else Enrollment.Status.APPROVED,
                        )
                        for n, pk in enumerate(mentee_ids)
                    ],
                    ignore_conflicts=True,
                )
            if status != Program.Status.PUBLISHED or program.matching_mode == "coordinator":
                continue
            if MatchRequest.objects.filter(program=program).exists():
                continue
            mentees = User.objects.filter(pk__in=mentee_ids[:REQUESTS_PER_PROGRAM])
            mentors = list(User.objects.filter(pk__in=chosen[:3]))
            for n, mentee in enumerate(mentees):
                if not mentors:
                    break
                mentor = mentors[n % len(mentors)]
                # Written directly, not through request_send: seeding must not e-mail anyone.
                score, reasons = explain_pair(program, mentee, mentor)
                MatchRequest.objects.create(
                    program=program,
                    mentee=mentee,
                    mentor=mentor,
                    note="I would value your guidance on the goals in my profile.",
                    score=score,
                    reasons=reasons,
                    expires_at=timezone.now() + timedelta(days=program.request_expiry_days),
                )
        coordinator = (
            User.objects.filter(pk__in=members.filter(is_coordinator=True).values("user_id"))
            .order_by("pk")
            .first()
        )
        _draft_run(organization, coordinator)
        _speed_event(organization, coordinator)
        if organization.slug == FAMILIES_ORGANIZATION:
            _families(organization, coordinator, mentor_ids)
    return Program.objects.filter(organization__in=list(organizations.values())).count()


def _draft_run(organization: Any, coordinator: User | None) -> None:
    """The hybrid digital-adoption programme, where the coordinator decides, gets a draft
    optimal run for the coordinator to review."""
    program = Program.objects.filter(organization=organization, template="digital-adoption").first()
    if program is None or MatchRun.objects.filter(program=program).exists():
        return
    runs.run_start(program=program, actor=coordinator, mode=MatchRun.Mode.OPTIMAL)


def _speed_event(organization: Any, coordinator: User | None) -> None:
    program = Program.objects.filter(organization=organization, template="speed-event").first()
    if program is None or SpeedEvent.objects.filter(program=program).exists():
        return
    day = timezone.now().date() + timedelta(days=21)
    speed.event_create(
        program=program,
        actor=coordinator,
        title="Speed mentoring: meet the consultants",
        starts_at=datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC),
        round_minutes=8,
        rounds=5,
        location="Seminar room 2",
    )


def _families(organization: Any, coordinator: User | None, mentor_ids: list[int]) -> None:
    """A published near-peer families programme with verified senior faculty, verified residents
    (enrolled as mentor and mentee) and students, and a draft run that forms the families."""
    program = _program(organization, "near-peer-family", Program.Status.PUBLISHED)
    if MatchRun.objects.filter(program=program).exists():
        return
    members = Membership.objects.filter(organization=organization)
    by_stage = User.objects.filter(pk__in=members.values("user_id")).order_by("pk")
    faculty = list(
        by_stage.filter(pk__in=mentor_ids, profile__career_stage__rank__gte=5).values_list(
            "pk", flat=True
        )[:FAMILY_FACULTY]
    )
    residents = list(
        matchable_mentors(
            by_stage.filter(profile__career_stage__code__in=["resident", "early-career"])
        )
        .exclude(pk__in=faculty)
        .order_by("pk")
        .values_list("pk", flat=True)[:FAMILY_RESIDENTS]
    )
    students = list(
        by_stage.filter(profile__career_stage__code="student").values_list("pk", flat=True)[
            :FAMILY_STUDENTS
        ]
    )
    rows = [(pk, Enrollment.Role.MENTOR, program.default_mentor_capacity) for pk in faculty]
    rows += [(pk, Enrollment.Role.BOTH, 1) for pk in residents]
    rows += [(pk, Enrollment.Role.MENTEE, 0) for pk in students]
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                user_id=pk,
                role=role,
                status=Enrollment.Status.APPROVED,
                capacity=capacity,
            )
            for pk, role, capacity in rows
        ],
        ignore_conflicts=True,
    )
    manager = coordinator or (
        User.objects.filter(pk__in=members.filter(is_admin=True).values("user_id"))
        .order_by("pk")
        .first()
    )
    if manager is not None and faculty and residents and students:
        runs.run_start(program=program, actor=manager, mode=MatchRun.Mode.OPTIMAL)
