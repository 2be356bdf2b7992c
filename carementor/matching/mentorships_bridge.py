"""The two calls matching makes into the mentorships app, in one place.

Capacity counts the mentor's open mentorships in the programme; until the mentorships app is
installed the enrolment's own counter stands in, so matching can be built and tested alone.
"""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from carementor.programs.models import Enrollment, Program

if TYPE_CHECKING:
    from carementor.accounts.models import User


def open_mentorships(program: Program, mentor: "User", enrollment: Enrollment) -> int:
    try:
        from carementor.mentorships.models import Mentorship
    except ImportError:
        return enrollment.seats_taken
    return int(Mentorship.objects.counting_against_capacity(program, mentor).count())


def create_mentorship(
    *,
    program: Program,
    mentors: Sequence[Any],
    mentees: Sequence[Any],
    role: str,
    actor: "User",
    source: str,
) -> Any:
    try:
        from carementor.mentorships.services import mentorship_create
    except ImportError:
        return None
    return mentorship_create(
        program=program,
        mentors=list(mentors),
        mentees=list(mentees),
        role=role,
        actor=actor,
        source=source,
    )


def matched_mentee_ids(program: Program) -> set[int]:
    """Mentees who already have an open relationship in the programme (not matched again)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program, mentorship__phase__in=OPEN_PHASES, role="mentee"
        ).values_list("user_id", flat=True)
    )


def mentees_at_role_limit(program: Program, role: str) -> set[int]:
    """Mentees who already hold as many open ``role`` relationships in the programme as it
    allows at once (``Program.role_limits``, one per role unless it says otherwise)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    from carementor.profiles.roles import limit_for

    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program,
            mentorship__phase__in=OPEN_PHASES,
            mentorship__role=role,
            role="mentee",
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("mentorship_id", distinct=True))
        .filter(n__gte=limit_for(program, role))
        .values_list("user_id", flat=True)
    )


def role_holdings(program: Program, mentee_ids: Collection[int], role: str) -> dict[int, int]:
    """How many open ``role`` relationships each of these mentees holds in the programme."""
    try:
        from carementor.mentorships.services import open_role_counts
    except ImportError:
        return {}
    return open_role_counts(program, list(mentee_ids), role)


def open_pairs(program: Program) -> set[tuple[int, int]]:
    """(mentee id, mentor id) of everyone already together in an open relationship in the
    programme: a run that may give a mentee a second mentor must not propose the first again."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program,
            mentorship__phase__in=OPEN_PHASES,
            role="mentee",
            mentorship__parties__role="mentor",
        ).values_list("user_id", "mentorship__parties__user_id")
    )


def already_together(program: Program, mentee: Any, mentor: Any) -> bool:
    """Whether the two already share an open relationship in the programme."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, Mentorship
    except ImportError:
        return False
    return (
        Mentorship.objects.filter(program=program, phase__in=OPEN_PHASES)
        .filter(parties__user=mentee, parties__role="mentee")
        .filter(parties__user=mentor, parties__role="mentor")
        .exists()
    )


def matched_user_ids(program: Program) -> set[int]:
    """Everyone with an open relationship in the programme, on either side (peer runs)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    return set(
        MentorshipParty.objects.filter(
            mentorship__program=program, mentorship__phase__in=OPEN_PHASES
        ).values_list("user_id", flat=True)
    )


def open_mentorship_counts(program: Program, mentor_ids: Collection[int]) -> dict[int, int]:
    """How many open relationships each mentor mentors in the programme, in one query."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return dict(
            program.enrollments.filter(user_id__in=mentor_ids).values_list("user_id", "seats_taken")
        )
    rows = (
        MentorshipParty.objects.filter(
            mentorship__program=program,
            mentorship__phase__in=OPEN_PHASES,
            role="mentor",
            user_id__in=mentor_ids,
        )
        .values("user_id")
        .annotate(n=Count("mentorship_id", distinct=True))
        .values_list("user_id", "n")
    )
    return dict(rows)


def matched_among(program: Program, user_ids: Collection[int], *, mentees_only: bool) -> set[int]:
    """Which of these people already have an open relationship in the programme."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return set()
    rows = MentorshipParty.objects.filter(
        mentorship__program=program, mentorship__phase__in=OPEN_PHASES, user_id__in=user_ids
    )
    if mentees_only:
        rows = rows.filter(role="mentee")
    return set(rows.values_list("user_id", flat=True))


def create_mentorships(
    *,
    program: Program,
    groups: Sequence[tuple[list[int], list[int]]],
    role: str,
    actor: "User | None",
) -> list[str]:
    """Create one match-run relationship per (mentor ids, mentee ids); returns their codes."""
    try:
        from carementor.mentorships.bulk import Group, mentorships_create_bulk
    except ImportError:
        return ["" for _group in groups]
    created = mentorships_create_bulk(
        program=program,
        groups=[Group(mentors, mentees) for mentors, mentees in groups],
        role=role,
        actor=actor,
        source="match_run",
    )
    return [m.code for m in created]


def roles_at_limit(program: Program, mentee: "User") -> list[str]:
    """The programme's roles in which ``mentee`` already holds as many open relationships
    as the programme allows at once (one per role unless it says otherwise); one query."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return []
    from carementor.profiles.roles import limit_for

    held = dict(
        MentorshipParty.objects.filter(
            mentorship__program=program,
            mentorship__phase__in=OPEN_PHASES,
            role="mentee",
            user=mentee,
        )
        .order_by()
        .values("mentorship__role")
        .annotate(n=Count("mentorship_id", distinct=True))
        .values_list("mentorship__role", "n")
    )
    return [
        role
        for role in program.roles or ["mentor"]
        if held.get(role, 0) >= limit_for(program, role)
    ]


def role_limit_refusal(program: Program, mentee: "User", role: str) -> str:
    """Why ``mentee`` may not start another ``role`` relationship now ("" when they may),
    with the mentee's enrolment row locked so concurrent acceptances serialize."""
    try:
        from carementor.mentorships.services import MentorshipError, check_role_limit
    except ImportError:
        return ""
    try:
        check_role_limit(program, [mentee], role, lock=True)
    except MentorshipError as exc:
        return exc.message
    return ""


def with_role_holdings(enrollments: Any) -> Any:
    """Annotate mentee enrolments with ``held_<role>``: their open relationships of each
    role in the programme (subqueries in the same query, so a page pays nothing extra)."""
    try:
        from carementor.mentorships.models import OPEN_PHASES, MentorshipParty
    except ImportError:
        return enrollments
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from carementor.profiles.models import MentoringRole

    def held(role: str) -> Any:
        rows = (
            MentorshipParty.objects.filter(
                mentorship__program=OuterRef("program"),
                mentorship__phase__in=OPEN_PHASES,
                mentorship__role=role,
                role="mentee",
                user=OuterRef("user"),
            )
            .order_by()
            .values("user")
            .annotate(n=Count("mentorship_id", distinct=True))
            .values("n")
        )
        return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)

    return enrollments.annotate(**{f"held_{r}": held(r) for r in MentoringRole.values})


def full_roles_of(program: Program, enrollment: Any) -> list[str]:
    """`roles_at_limit` from an enrolment annotated by `with_role_holdings`."""
    from carementor.profiles.roles import limit_for

    return [
        role
        for role in program.roles or ["mentor"]
        if getattr(enrollment, f"held_{role}", 0) >= limit_for(program, role)
    ]
