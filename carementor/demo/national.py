"""One national programme at size: everybody enrolled, some published mentorships with meetings
and survey answers, so every page (suggestions, match runs, oversight, completion, outcome
report) can be tried with tens of thousands of people.

The hospital runs it with the NHS trust and the nursing college as partners, so every demo
person may take part. Verified mentors (about one person in five) enrol as mentors with their
own capacity, everybody else as a mentee. About one mentee in eight already has a published
mentorship in a realistic phase, with an agreement, held and upcoming meetings, and outcome
surveys answered at baseline and closure.

Rows are written in bulk (COPY on PostgreSQL, no per-row signals or services) but end as the
services would leave them: each mentor's ``seats_taken`` counts their open mentorships,
``last_meeting_at`` is the last held meeting, signed agreements have both signatures, and the
audit trail has one event per bulk step (like an import), naming how many rows it wrote.
Idempotent: enrolments are keyed by (programme, person), the rest is made once.
"""

import datetime
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.credentials.models import matchable_mentors
from carementor.demo.certificates import _rules_and_hours
from carementor.demo.evaluations import PERSON_SD, _answers, _schedule
from carementor.demo.records import LOOKUP_SIZE, _ids, chunks, insert_rows
from carementor.demo.rng import rng_for, stable_code, stable_fraction
from carementor.evaluations.models import (
    Answer,
    HasResponded,
    Instrument,
    Occasion,
    Response,
    Role,
    SurveyAssignment,
)
from carementor.evaluations.scoring import score_answers, scored_value
from carementor.evaluations.services import cohort_label
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    OPEN_PHASES,
    Agreement,
    Attendance,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Phase,
    Signature,
)
from carementor.organizations.models import Membership, Organization
from carementor.profiles.models import Competency
from carementor.programs.catalog import get_template
from carementor.programs.models import Enrollment, EnrollmentQuestion, Program

# `seed_demo --users N` adds the national programme from this many people (or with --national).
NATIONAL_FROM = 1_000
OWNER = "indus-ims"
TEMPLATE = "career-one-to-one"
NAME = "National mentoring programme"
# One mentee in this many has a published mentorship.
MENTORED_EVERY = 8
# Phases by the mentorship's position modulo 10: most are active.
PHASES = (
    Phase.PROPOSED,
    Phase.AGREEING,
    Phase.ACTIVE,
    Phase.ACTIVE,
    Phase.ACTIVE,
    Phase.ACTIVE,
    Phase.ACTIVE,
    Phase.ACTIVE,
    Phase.CLOSING,
    Phase.CLOSED,
)
EFFECTS = {"practice": 0.7, "wellbeing": 0.5, "development": 0.9}
# A privileged login who manages the programme: Rohan administers the hospital.
MANAGER = "rohan@example.org"


def national_program(organizations: dict[str, Organization]) -> Program | None:
    owner = organizations.get(OWNER)
    if owner is None:
        return None
    return Program.objects.filter(organization=owner, code=stable_code("national-program")).first()


def seed_national(
    *, organizations: dict[str, Organization], seed: int, log: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Create (or complete) the national programme; returns what each step added."""
    say = log or (lambda _message: None)
    program = _program(organizations)
    if program is None:
        return {}
    manager = User.objects.filter(email=MANAGER).first()
    _analyze()  # the people were just written in bulk: plan the reads below on real numbers
    enrolled = _enroll(program, manager)
    say(f"national programme: {enrolled:,} new enrolments")
    mentorships = 0
    if not Mentorship.objects.filter(program=program).exists():
        mentorships = _mentorships(program, manager, seed)
        say(f"national programme: {mentorships:,} mentorships")
    responses = 0
    if not SurveyAssignment.objects.filter(program=program).exists():
        responses = _surveys(program, seed)
        say(f"national programme: {responses:,} survey responses")
    if enrolled or mentorships or responses:
        _analyze()
    return {"enrollments": enrolled, "mentorships": mentorships, "responses": responses}


def _analyze() -> None:
    """Fresh bulk loads have no planner statistics yet; without them queries (and any benchmark
    run right after seeding) get guessed plans until autovacuum catches up."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _program(organizations: dict[str, Organization]) -> Program | None:
    owner = organizations.get(OWNER)
    template = get_template(TEMPLATE)
    if owner is None or template is None:
        return None
    code = stable_code("national-program")
    program = Program.objects.filter(code=code).first()
    if program is not None:
        return program
    values = template.initial()
    values.pop("name")
    with transaction.atomic():
        program = Program.objects.create(
            **{
                **values,
                "code": code,
                "organization": owner,
                "name": NAME,
                # No template slug: the per-template demo steps (evaluations, learning) would
                # otherwise treat it as one of theirs and seed it row by row on the next run.
                "template": "",
                "status": Program.Status.PUBLISHED,
                # Mentees choose from suggestions and the coordinator may also run matching.
                "matching_mode": "hybrid",
                "summary": (
                    "Every demo healthcare professional, in one programme: try suggestions, "
                    "match runs, oversight and reports at national size."
                ),
            }
        )
        program.partner_organizations.set(
            [org for slug, org in organizations.items() if slug != OWNER]
        )
        program.focus_competencies.set(Competency.objects.filter(code__in=template.competencies))
        for position, question in enumerate(template.questions):
            EnrollmentQuestion.objects.create(program=program, position=position, **question)
        _schedule(program)
        _rules_and_hours(program)
    return program


def _enroll(program: Program, manager: User | None) -> int:
    """Everybody who belongs to a taking-part organization and is not yet enrolled: verified
    mentors as mentors with their profile's capacity, everyone else (bar staff roles) as
    mentees, approved, as an import by the coordinator would leave them."""
    organizations = [
        program.organization_id,
        *program.partner_organizations.values_list("pk", flat=True),
    ]
    members = Membership.objects.filter(organization_id__in=organizations)
    staff = set(
        members.filter(Q(is_coordinator=True) | Q(is_admin=True) | Q(is_reviewer=True)).values_list(
            "user_id", flat=True
        )
    )
    people = User.objects.filter(
        pk__in=members.values("user_id"), is_active=True, is_staff=False
    ).exclude(pk__in=program.enrollments.values("user_id"))
    mentors = set(
        matchable_mentors(
            people.filter(pk__in=members.filter(is_mentor=True).values("user_id")),
            verification_kind=program.verification_kind,
        ).values_list("pk", flat=True)
    )
    rows = [
        (pk, capacity)
        for pk, capacity in people.order_by("pk").values_list("pk", "profile__mentoring_capacity")
        if pk in mentors or pk not in staff
    ]
    if not rows:
        return 0
    now = timezone.now()
    default = program.default_mentor_capacity
    with transaction.atomic():
        insert_rows(
            Enrollment,
            (
                "code",
                "program",
                "user",
                "role",
                "status",
                "source",
                "capacity",
                "decided_by",
                "decided_at",
            ),
            (
                (
                    stable_code("national-enrollment", program.code, pk),
                    program.pk,
                    pk,
                    Enrollment.Role.MENTOR if pk in mentors else Enrollment.Role.MENTEE,
                    Enrollment.Status.APPROVED,
                    Enrollment.Source.IMPORT,
                    (capacity or default) if pk in mentors else 0,
                    manager.pk if manager else None,
                    now,
                )
                for pk, capacity in rows
            ),
        )
        record(
            manager,
            "program.import_applied",
            program,
            organization=program.organization,
            detail={"source": "seed_demo", "created": len(rows)},
        )
    return len(rows)


def _mentorships(program: Program, manager: User | None, seed: int) -> int:
    """One mentee in MENTORED_EVERY gets a mentor with a free place, in a phase by position."""
    mentees = list(
        program.enrollments.approved()
        .filter(role=Enrollment.Role.MENTEE)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    chosen = [
        pk for pk in mentees if stable_fraction(seed, "national-mentored", pk) < 1 / MENTORED_EVERY
    ]
    free = [
        [pk, capacity]
        for pk, capacity in program.enrollments.approved()
        .filter(role=Enrollment.Role.MENTOR, capacity__gt=0)
        .order_by("user_id")
        .values_list("user_id", "capacity")
    ]
    if not chosen or not free:
        return 0
    # Round-robin over mentors with places left, so no mentor is over-booked.
    pairs: list[tuple[int, int]] = []
    position = 0
    for mentee in chosen:
        if not free:
            break
        position %= len(free)
        place = free[position]
        pairs.append((mentee, place[0]))
        place[1] -= 1
        if place[1] == 0:
            free.pop(position)
        else:
            position += 1
    now = timezone.now().replace(second=0, microsecond=0)
    rng = rng_for(seed, "national-mentorships")
    plans: list[tuple[str, int, int, str, datetime.datetime]] = []
    for index, (mentee, mentor) in enumerate(pairs):
        phase = PHASES[index % len(PHASES)]
        started = now - timedelta(days=rng.randint(60, 420), hours=rng.randint(0, 8))
        plans.append(
            (
                stable_code("national-mentorship", program.code, mentee),
                mentee,
                mentor,
                phase,
                started,
            )
        )

    with transaction.atomic():
        insert_rows(
            Mentorship,
            (
                "code",
                "program",
                "organization",
                "role",
                "source",
                "phase",
                "created_by",
                "created_at",
                "activated_at",
                "ends_on",
                "closing_started_at",
                "closed_at",
                "outcome",
                "reflection",
                "last_meeting_at",
            ),
            (
                (
                    code,
                    program.pk,
                    program.organization_id,
                    "mentor",
                    "match_run",
                    phase,
                    manager.pk if manager else None,
                    started - timedelta(days=7),
                    None if phase in (Phase.PROPOSED, Phase.AGREEING) else started,
                    (started + timedelta(days=365)).date(),
                    now - timedelta(days=10) if phase == Phase.CLOSING else None,
                    now - timedelta(days=5) if phase == Phase.CLOSED else None,
                    ("achieved" if index % 20 < 14 else "partly") if phase == Phase.CLOSED else "",
                    "We met our main goals." if phase == Phase.CLOSED else "",
                    max(_held(program, phase, started, now), default=None),
                )
                for index, (code, _mentee, _mentor, phase, started) in enumerate(plans)
            ),
        )
        ids = _ids(Mentorship, "code", [plan[0] for plan in plans])
        insert_rows(
            MentorshipParty,
            ("mentorship", "user", "role", "joined_at", "last_read_at"),
            (
                row
                for code, mentee, mentor, _phase, started in plans
                for row in (
                    (ids[code], mentor, "mentor", started, now),
                    (ids[code], mentee, "mentee", started, now - timedelta(days=2)),
                )
            ),
        )
        insert_rows(
            Agreement,
            (
                "code",
                "mentorship",
                "version",
                "goals",
                "expectations",
                "meeting_frequency",
                "meeting_mode",
                "duration",
                "confidentiality",
                "body",
                "created_at",
                "effective_at",
            ),
            (
                (
                    stable_code("national-agreement", code),
                    ids[code],
                    1,
                    "Agree a development plan and review it every month.",
                    "The mentee sets the agenda before each meeting; both come prepared.",
                    f"At least every {program.meeting_cadence_days} days",
                    "Video",
                    "Twelve months",
                    str(DEFAULT_CONFIDENTIALITY),
                    program.agreement_template or "",
                    started - timedelta(days=7),
                    None if phase in (Phase.PROPOSED, Phase.AGREEING) else started,
                )
                for code, _mentee, _mentor, phase, started in plans
            ),
        )
        agreements = _ids(Agreement, "mentorship_id", list(ids.values()))
        insert_rows(
            Signature,
            ("agreement", "signer", "signed_at"),
            (
                (agreements[ids[code]], signer, started - timedelta(days=1))
                for code, mentee, mentor, phase, started in plans
                if phase != Phase.PROPOSED
                for signer in ((mentee,) if phase == Phase.AGREEING else (mentee, mentor))
            ),
        )
        _meetings(program, plans, ids, now)
        # The counter the services keep: each mentor's seats taken by open relationships.
        taken = Counter(mentor for _c, _m, mentor, phase, _s in plans if phase in OPEN_PHASES)
        by_count: dict[int, list[int]] = {}
        for mentor, count in taken.items():
            by_count.setdefault(count, []).append(mentor)
        for count, mentors in by_count.items():
            for part in chunks(mentors, LOOKUP_SIZE):
                program.enrollments.filter(user_id__in=part).update(seats_taken=count)
        record(
            manager,
            "match_run.published",
            program,
            organization=program.organization,
            detail={"source": "seed_demo", "mentorships": len(plans)},
        )
    return len(plans)


def _held(
    program: Program, phase: str, started: datetime.datetime, now: datetime.datetime
) -> list[datetime.datetime]:
    """When a relationship's two held meetings took place (none before it started)."""
    if phase in (Phase.PROPOSED, Phase.AGREEING):
        return []
    cadence = timedelta(days=program.meeting_cadence_days)
    return [min(started + number * cadence, now - timedelta(days=number)) for number in (1, 2)]


def _meetings(
    program: Program,
    plans: list[tuple[str, int, int, str, datetime.datetime]],
    ids: dict[str, int],
    now: datetime.datetime,
) -> None:
    """Two held meetings for every relationship that has started, one upcoming for open ones."""
    held: list[tuple[str, int, int, int, datetime.datetime]] = []
    upcoming: list[tuple[str, int, int, datetime.datetime]] = []
    for index, (code, mentee, mentor, phase, started) in enumerate(plans):
        if phase in (Phase.PROPOSED, Phase.AGREEING):
            continue
        for number, when in enumerate(_held(program, phase, started, now), start=1):
            held.append((code, mentee, mentor, number, when))
        if phase in (Phase.ACTIVE, Phase.CLOSING):
            when = now + timedelta(days=1 + index % 20, hours=index % 8)
            upcoming.append((code, mentee, mentor, when.replace(minute=0)))
    insert_rows(
        Meeting,
        (
            "code",
            "mentorship",
            "title",
            "starts_at",
            "duration_minutes",
            "mode",
            "status",
            "created_by",
            "created_at",
        ),
        [
            (
                stable_code("national-meeting", code, number),
                ids[code],
                f"Meeting {number}",
                when,
                45,
                "video",
                MeetingStatus.HELD,
                mentee,
                when - timedelta(days=7),
            )
            for code, mentee, _mentor, number, when in held
        ]
        + [
            (
                stable_code("national-meeting", code, "next"),
                ids[code],
                "Next meeting",
                when,
                45,
                "video",
                MeetingStatus.SCHEDULED,
                mentee,
                now - timedelta(days=3),
            )
            for code, mentee, _mentor, when in upcoming
        ],
    )
    meeting_ids = _ids(
        Meeting,
        "code",
        [stable_code("national-meeting", code, number) for code, _m, _n, number, _w in held],
    )
    insert_rows(
        Attendance,
        ("meeting", "user", "present"),
        (
            (meeting_ids[stable_code("national-meeting", code, number)], user, True)
            for code, mentee, mentor, number, _when in held
            for user in (mentor, mentee)
        ),
    )


def _surveys(program: Program, seed: int) -> int:
    """Outcome surveys for every mentored mentee: baseline when the relationship began (95 %
    answer) and closure six months later when that has passed (88 % answer)."""
    outcomes = (
        Instrument.objects.library()
        .filter(slug="mentee-outcomes", version=1)
        .prefetch_related("items")
        .first()
    )
    if outcomes is None:
        return 0
    items = list(outcomes.items.all())
    by_key = {item.key: item for item in items}
    named = not outcomes.is_anonymous
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    started_by: dict[int, datetime.datetime] = dict(
        Mentorship.objects.filter(program=program, activated_at__isnull=False).values_list(
            "pk", "activated_at"
        )  # type: ignore[arg-type]  # the filter excludes NULL
    )
    mentees = list(
        MentorshipParty.objects.filter(mentorship_id__in=list(started_by), role="mentee")
        .order_by("mentorship_id")
        .values_list("mentorship_id", "user_id")
    )
    rng = rng_for(seed, "national-surveys")
    assignments: list[tuple[Any, ...]] = []
    answered: list[tuple[str, datetime.date]] = []
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for mentorship_id, user_id in mentees:
        started = started_by[mentorship_id]
        factor = rng.gauss(0, 1)
        level = {area: 3.0 + 0.6 * factor + rng.gauss(0, 0.3) for area in EFFECTS}
        gain = {area: effect * PERSON_SD + rng.gauss(0, 0.2) for area, effect in EFFECTS.items()}
        cohort = cohort_label(started)
        occasions = [(Occasion.BASELINE, started, 0.0, 0.95)]
        if started + timedelta(days=180) < now - timedelta(days=5):
            occasions.append((Occasion.CLOSURE, started + timedelta(days=180), 1.0, 0.88))
        for occasion, opens, progress, rate in occasions:
            code = stable_code("national-survey", program.code, occasion, user_id)
            assignments.append(
                (
                    code,
                    program.pk,
                    outcomes.pk,
                    occasion,
                    mentorship_id,
                    user_id,
                    Role.MENTEE,
                    opens,
                    opens + timedelta(days=14),
                    SurveyAssignment.Status.CLOSED,
                    opens + timedelta(days=14),
                )
            )
            if stable_fraction(seed, "national-answered", occasion, user_id) >= rate:
                continue
            on = (opens + timedelta(days=3)).date()
            answered.append((code, on))
            true = {area: level[area] + progress * gain[area] for area in EFFECTS}
            values = _answers(items, true, rng)
            response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            responses.append(
                (
                    response_id,
                    outcomes.pk,
                    program.pk,
                    occasion,
                    Role.MENTEE,
                    cohort,
                    program.format,
                    mentorship_id if named else None,
                    user_id if named else None,
                    on,
                    score_answers(outcomes, values),
                )
            )
            answers.extend(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    response_id,
                    by_key[key].pk,
                    value,
                    scored_value(by_key[key], value),
                )
                for key, value in values.items()
            )
    with transaction.atomic():
        insert_rows(
            SurveyAssignment,
            (
                "code",
                "program",
                "instrument",
                "occasion",
                "mentorship",
                "user",
                "role",
                "opens_at",
                "due_at",
                "status",
                "closed_at",
            ),
            assignments,
        )
        assignment_ids = _ids(SurveyAssignment, "code", [code for code, _on in answered])
        insert_rows(
            HasResponded,
            ("assignment", "responded_on"),
            ((assignment_ids[code], on) for code, on in answered),
        )
        insert_rows(
            Response,
            (
                "id",
                "instrument",
                "program",
                "occasion",
                "role",
                "cohort",
                "format",
                "mentorship",
                "respondent",
                "submitted_on",
                "scores",
            ),
            responses,
        )
        insert_rows(Answer, ("id", "response", "item", "value", "score"), answers)
    return len(responses)
