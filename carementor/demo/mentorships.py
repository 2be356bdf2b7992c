"""Demo mentorships in every phase, with meetings past and upcoming, agendas, notes, goals,
action items, messages and an at-risk relationship. Safe to run twice.

Rows are written directly (not through the services) so seeding sends no e-mail; each
mentorship is keyed by a stable code and skipped if it exists.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import stable_code
from carementor.mentorships.models import (
    DEFAULT_CONFIDENTIALITY,
    ActionItem,
    AgendaItem,
    Agreement,
    Attendance,
    Goal,
    GoalProgress,
    HelpRequest,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Message,
    Phase,
    PrivateNote,
    SharedNote,
    Signature,
)
from carementor.organizations.models import Membership
from carementor.programs.models import Program


@dataclass
class Plan:
    key: str
    org: str
    mentor: str  # persona e-mail, or "gen-mentor:N"
    mentee: str  # persona e-mail, or "gen-mentee:N"
    phase: str
    role: str = "mentor"
    program_format: str = "one_to_one"
    days_active: int = 90
    last_meeting_days: int | None = 20
    upcoming_in_days: int | None = 6
    at_risk_help: str = ""
    outcome: str = ""
    redefined_as: str = ""
    goals: list[tuple[str, int]] = field(default_factory=list)
    actions: list[tuple[str, str, int, bool]] = field(
        default_factory=list
    )  # title, owner, due, done
    messages: list[tuple[str, str]] = field(default_factory=list)  # who, body


PLANS = [
    Plan(
        "asha-vikram",
        "indus-ims",
        "vikram@example.org",
        "asha@example.org",
        Phase.ACTIVE,
        goals=[
            ("Submit a paediatric cardiology fellowship application by March", 40),
            ("Present one case at the departmental meeting", 75),
        ],
        actions=[
            ("Draft the personal statement", "mentee", -3, False),
            ("Send two fellowship programme contacts", "mentor", 5, False),
            ("List three cases worth presenting", "mentee", -20, True),
        ],
        messages=[
            ("mentee", "Thank you for yesterday. I have started the personal statement."),
            ("mentor", "Good. Send it when you have a first draft; I will read it on Sunday."),
        ],
    ),
    Plan(
        "ravi-vikram",
        "indus-ims",
        "vikram@example.org",
        "ravi@example.org",
        Phase.PROPOSED,
        days_active=0,
        last_meeting_days=None,
        upcoming_in_days=None,
    ),
    Plan(
        "aisha-tom",
        "pennine-nhs",
        "tom@example.org",
        "aisha@example.org",
        Phase.ACTIVE,
        role="coach",
        program_format="digital",
        goals=[("Lead the pharmacy go-live of the new EHR module", 30)],
        actions=[("Shadow the informatics team for a day", "mentee", 10, False)],
        messages=[("mentor", "Bring your questions about the AI scribe pilot on Thursday.")],
    ),
    Plan(
        "gen-agreeing",
        "indus-ims",
        "gen-mentor:1",
        "gen-mentee:1",
        Phase.AGREEING,
        days_active=0,
        last_meeting_days=None,
        upcoming_in_days=4,
    ),
    Plan(
        "gen-at-risk",
        "indus-ims",
        "gen-mentor:2",
        "gen-mentee:2",
        Phase.ACTIVE,
        days_active=150,
        last_meeting_days=70,
        upcoming_in_days=None,
        at_risk_help="Our meetings keep getting cancelled because of rotas.",
        actions=[("Book the simulation course", "mentee", -30, False)],
    ),
    Plan(
        "gen-closing",
        "indus-ims",
        "gen-mentor:3",
        "gen-mentee:3",
        Phase.CLOSING,
        days_active=300,
        last_meeting_days=10,
        upcoming_in_days=3,
        goals=[("Pass the MD Paediatrics theory exam", 100)],
    ),
    Plan(
        "gen-closed",
        "indus-ims",
        "gen-mentor:4",
        "gen-mentee:4",
        Phase.CLOSED,
        days_active=400,
        last_meeting_days=60,
        upcoming_in_days=None,
        outcome="achieved",
    ),
    Plan(
        "gen-redefined",
        "indus-ims",
        "gen-mentor:5",
        "gen-mentee:5",
        Phase.REDEFINED,
        role="mentor",
        days_active=500,
        last_meeting_days=90,
        upcoming_in_days=None,
        outcome="partly",
        redefined_as="peer",
    ),
]


def _people(organization: Any) -> tuple[list[User], list[User]]:
    members = Membership.objects.filter(organization=organization).exclude(
        user__email__endswith="@example.org"
    )
    mentors = [
        m.user for m in members.filter(is_mentor=True).select_related("user").order_by("pk")[:10]
    ]
    mentees = [
        m.user
        for m in members.filter(is_mentor=False, is_coordinator=False, is_admin=False)
        .select_related("user")
        .order_by("-pk")[:10]
    ]
    return mentors, mentees


def _resolve(ref: str, mentors: list[User], mentees: list[User]) -> User | None:
    if ref.startswith("gen-mentor:"):
        index = int(ref.split(":")[1])
        return mentors[index] if index < len(mentors) else None
    if ref.startswith("gen-mentee:"):
        index = int(ref.split(":")[1])
        return mentees[index] if index < len(mentees) else None
    return User.objects.filter(email=ref).first()


def _program(organization: Any, fmt: str) -> Program | None:
    programs = Program.objects.filter(organization=organization).order_by("created_at")
    if fmt == "digital":
        found = programs.filter(focus="digital").first()
        if found:
            return found
    return programs.filter(format="one_to_one").first() or programs.first()


def seed_mentorships(*, organizations: dict[str, Any]) -> int:
    """Returns how many demo mentorships were created (0 on a second run)."""
    now = timezone.now().replace(second=0, microsecond=0)
    created = 0
    people = {slug: _people(org) for slug, org in organizations.items()}
    for plan in PLANS:
        code = stable_code("demo-mentorship", plan.key)
        organization = organizations.get(plan.org)
        if organization is None or Mentorship.objects.filter(code=code).exists():
            continue
        mentors, mentees = people[plan.org]
        mentor = _resolve(plan.mentor, mentors, mentees)
        mentee = _resolve(plan.mentee, mentors, mentees)
        program = _program(organization, plan.program_format)
        if mentor is None or mentee is None or program is None:
            continue
        with transaction.atomic():
            _create(plan, code, program, mentor, mentee, now)
        created += 1
    return created


def _create(
    plan: Plan, code: str, program: Program, mentor: User, mentee: User, now: datetime
) -> None:
    started = now - timedelta(days=plan.days_active + 7)
    ended = plan.phase in (Phase.CLOSED, Phase.REDEFINED)
    mentorship = Mentorship.objects.create(
        code=code,
        program=program,
        organization=program.organization,
        role=plan.role,
        source="request",
        phase=plan.phase,
        created_at=started,
        activated_at=(now - timedelta(days=plan.days_active)) if plan.days_active else None,
        closed_at=now - timedelta(days=plan.last_meeting_days or 1) if ended else None,
        closing_started_at=now - timedelta(days=12) if plan.phase == Phase.CLOSING else None,
        outcome=plan.outcome,
        redefined_as=plan.redefined_as,
        reflection="We met our main goal and will keep in touch as colleagues." if ended else "",
        ends_on=(now + timedelta(days=180)).date(),
    )
    by_role = {"mentor": mentor, "mentee": mentee}
    MentorshipParty.objects.bulk_create(
        [
            MentorshipParty(mentorship=mentorship, user=mentor, role="mentor", last_read_at=now),
            MentorshipParty(
                mentorship=mentorship,
                user=mentee,
                role="mentee",
                last_read_at=now - timedelta(days=2),
            ),
        ]
    )
    agreement = Agreement.objects.create(
        code=stable_code("demo-agreement", plan.key),
        mentorship=mentorship,
        version=1,
        goals="\n".join(title for title, _ in plan.goals) or "To be agreed at our first meeting.",
        expectations="The mentee sets the agenda before each meeting; both come prepared.",
        meeting_frequency=f"At least every {program.meeting_cadence_days} days",
        meeting_mode="Video, or in person when we are on the same site",
        duration="Twelve months",
        confidentiality=str(DEFAULT_CONFIDENTIALITY),
        body=program.agreement_template,
        created_at=started,
        effective_at=mentorship.activated_at,
    )
    signers = (
        [mentee]
        if plan.phase == Phase.AGREEING
        else ([] if plan.phase == Phase.PROPOSED else [mentee, mentor])
    )
    Signature.objects.bulk_create(
        [
            Signature(agreement=agreement, signer=u, signed_at=started + timedelta(days=1))
            for u in signers
        ]
    )
    _meetings(plan, mentorship, mentor, mentee, now)
    for title, progress in plan.goals:
        goal = Goal.objects.create(
            code=stable_code("demo-goal", plan.key, title),
            mentorship=mentorship,
            title=title,
            measure="Agreed together at each meeting",
            target_date=(now + timedelta(days=120)).date(),
            progress=progress,
            status="achieved" if progress == 100 else "open",
            created_by=mentee,
            created_at=started,
        )
        GoalProgress.objects.bulk_create(
            [
                GoalProgress(
                    goal=goal,
                    progress=p,
                    recorded_by=mentee,
                    recorded_at=started + timedelta(days=d),
                )
                for p, d in ((0, 1), (progress // 2, 30), (progress, 60))
            ]
        )
    for title, owner, due, done in plan.actions:
        ActionItem.objects.create(
            code=stable_code("demo-action", plan.key, title),
            mentorship=mentorship,
            title=title,
            owner=by_role[owner],
            due_on=(now + timedelta(days=due)).date(),
            done_at=now - timedelta(days=1) if done else None,
            created_by=mentor,
        )
    for index, (who, body) in enumerate(plan.messages):
        Message.objects.create(
            code=stable_code("demo-message", plan.key, index),
            mentorship=mentorship,
            author=by_role[who],
            body=body,
            created_at=now - timedelta(days=3 - index),
        )
    if plan.at_risk_help:
        HelpRequest.objects.create(
            mentorship=mentorship, requested_by=mentee, reason=plan.at_risk_help
        )


def _meetings(
    plan: Plan, mentorship: Mentorship, mentor: User, mentee: User, now: datetime
) -> None:
    last_held = None
    if plan.last_meeting_days is not None and plan.days_active:
        cadence = mentorship.program.meeting_cadence_days
        day = plan.days_active
        number = 0
        while day >= plan.last_meeting_days:
            number += 1
            starts = (now - timedelta(days=day)).replace(hour=13, minute=30)
            meeting = Meeting.objects.create(
                code=stable_code("demo-meeting", plan.key, number),
                mentorship=mentorship,
                title=f"Meeting {number}",
                starts_at=starts,
                duration_minutes=45,
                mode="video",
                video_url=_room(plan.key, number),
                status=MeetingStatus.HELD,
                created_by=mentee,
                created_at=starts - timedelta(days=7),
            )
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(
                        meeting=meeting,
                        text="Progress since last time",
                        position=0,
                        added_by=mentee,
                        covered=True,
                    ),
                    AgendaItem(
                        meeting=meeting,
                        text="Rota and study time",
                        position=1,
                        added_by=mentee,
                        covered=number % 2 == 0,
                    ),
                ]
            )
            SharedNote.objects.create(
                meeting=meeting,
                body="Agreed next steps are in the action plan.",
                version=1,
                updated_by=mentor,
                updated_at=starts + timedelta(hours=1),
            )
            PrivateNote.objects.create(
                meeting=meeting,
                author=mentee,
                body="Felt more confident this time.",
                updated_at=starts,
            )
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, user=mentor), Attendance(meeting=meeting, user=mentee)]
            )
            last_held = starts
            day -= cadence
        Mentorship.objects.filter(pk=mentorship.pk).update(last_meeting_at=last_held)
    if plan.upcoming_in_days is not None:
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            title="Next meeting" if plan.phase != Phase.CLOSING else "Closure meeting",
            starts_at=(now + timedelta(days=plan.upcoming_in_days)).replace(hour=14, minute=0),
            duration_minutes=45,
            mode="video",
            code=stable_code("demo-meeting", plan.key, "next"),
            video_url=_room(plan.key, "next"),
            is_closure=plan.phase == Phase.CLOSING,
            created_by=mentee,
        )
        AgendaItem.objects.create(
            meeting=meeting, text="Feedback on my draft", position=0, added_by=mentee
        )


def _room(key: str, number: object) -> str:
    return f"https://meet.jit.si/CareMentor-{stable_code('demo-room', key, number, length=16)}"
