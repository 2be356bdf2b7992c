"""Completion of every participant of a programme, for its coordinators, in a fixed number of
queries per page: the facts of a whole page are gathered in bulk, then judged by the same
`completion.evaluate` as a person's own checklist (a test holds the two paths equal)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from carementor.accounts.models import User
from carementor.certificates.completion import Checklist, Facts, evaluate
from carementor.certificates.models import Certificate, CompletionRule, Role
from carementor.mentorships.models import (
    Agreement,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    MentorshipParty,
    Phase,
)
from carementor.programs.models import Enrollment, Program


@dataclass(frozen=True)
class Row:
    user: User
    checklist: Checklist
    certificate: Certificate | None


def participants(program: Program) -> list[tuple[int, str]]:
    """(user id, role) of everyone taking part, ordered by name then role (mentee first)."""
    pairs: set[tuple[int, str]] = set(
        MentorshipParty.objects.filter(mentorship__program=program)
        .exclude(mentorship__phase=Phase.PROPOSED)
        .values_list("user_id", "role")
    )
    for user_id, role in Enrollment.objects.filter(
        program=program, status=Enrollment.Status.APPROVED
    ).values_list("user_id", "role"):
        if role in (Enrollment.Role.MENTEE, Enrollment.Role.BOTH):
            pairs.add((user_id, Role.MENTEE))
        if role in (Enrollment.Role.MENTOR, Enrollment.Role.BOTH):
            pairs.add((user_id, Role.MENTOR))
    names = dict(User.objects.filter(pk__in={u for u, _r in pairs}).values_list("pk", "full_name"))
    return sorted(pairs, key=lambda p: (names.get(p[0], "").lower(), p[0], p[1] != Role.MENTEE))


def overview(program: Program, pairs: list[tuple[int, str]]) -> list[Row]:
    """Checklists for ``pairs`` (a page of `participants`)."""
    rules = {r.role: r for r in CompletionRule.objects.filter(program=program)}
    user_ids = {u for u, _r in pairs}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    facts: dict[tuple[int, str], Facts] = defaultdict(Facts)
    by_mentorship: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for party in MentorshipParty.objects.filter(
        mentorship__program=program, user_id__in=user_ids
    ).select_related("mentorship"):
        key = (party.user_id, party.role)
        facts[key].mentorships.append(party.mentorship)
        by_mentorship[party.mentorship_id].append(key)
    ids = list(by_mentorship)
    wanted = list(rules.values())
    if any(r.agreement_signed for r in wanted):
        for mentorship_id in Agreement.objects.filter(
            mentorship_id__in=ids, effective_at__isnull=False
        ).values_list("mentorship_id", flat=True):
            for key in by_mentorship[mentorship_id]:
                facts[key].signed = True
    if any(r.meetings_held for r in wanted):
        held = (
            Meeting.objects.filter(mentorship_id__in=ids, status=MeetingStatus.HELD)
            .values("mentorship_id")
            .annotate(n=Count("id"))
        )
        for row in held:
            for key in by_mentorship[row["mentorship_id"]]:
                facts[key].held += row["n"]
    if any(r.goals_achieved or r.all_goals_achieved for r in wanted):
        for mentorship_id, title, status in (
            Goal.objects.filter(mentorship_id__in=ids)
            .exclude(status=GoalStatus.DROPPED)
            .values_list("mentorship_id", "title", "status")
        ):
            for key in by_mentorship[mentorship_id]:
                facts[key].goals.append((title, status))
    if any(r.modules_completed or r.quizzes_passed for r in wanted):
        _learning(program, user_ids, pairs, facts)
    if any(r.closure_survey for r in wanted):
        from carementor.evaluations.models import HasResponded

        # Mirrors evaluations.services.has_answered, for many people at once.
        answered = set(
            HasResponded.objects.filter(
                assignment__program=program,
                assignment__occasion="closure",
                assignment__user_id__in=user_ids,
            ).values_list("assignment__user_id", flat=True)
        )
        for user_id, role in pairs:
            facts[(user_id, role)].survey_answered = user_id in answered
    certificates = {
        (c.holder_id, c.role): c
        for c in Certificate.objects.filter(program=program, holder_id__in=user_ids).order_by(
            "issued_at"
        )
    }
    return [
        Row(
            users[user_id],
            evaluate(program, role, rules.get(role), facts[(user_id, role)]),
            certificates.get((user_id, role)),
        )
        for user_id, role in pairs
        if user_id in users
    ]


def _learning(
    program: Program,
    user_ids: set[int],
    pairs: list[tuple[int, str]],
    facts: dict[tuple[int, str], Facts],
) -> None:
    """Mirrors learning.services.learning_status, for many people at once."""
    from carementor.learning.models import (
        Module,
        ModuleProgress,
        Quiz,
        QuizProgress,
        audiences_for,
    )

    modules = list(
        Module.objects.filter(program=program, required=True)
        .order_by("position", "id")
        .values_list("code", "title", "audience")
    )
    quizzes = list(
        Quiz.objects.filter(program=program, required=True)
        .order_by("created_at", "id")
        .values_list("code", "title", "audience")
    )
    completed: dict[int, set[str]] = defaultdict(set)
    for user_id, code in ModuleProgress.objects.filter(
        module__program=program, user_id__in=user_ids, completed_at__isnull=False
    ).values_list("user_id", "module__code"):
        completed[user_id].add(code)
    passed: dict[int, set[str]] = defaultdict(set)
    for user_id, code in QuizProgress.objects.filter(
        quiz__program=program, user_id__in=user_ids, passed_at__isnull=False
    ).values_list("user_id", "quiz__code"):
        passed[user_id].add(code)
    for user_id, role in pairs:
        audiences = audiences_for(role)
        found = facts[(user_id, role)]
        found.modules_required = [(c, t) for c, t, a in modules if a in audiences]
        found.modules_completed = completed[user_id]
        found.quizzes_required = [(c, t) for c, t, a in quizzes if a in audiences]
        found.quizzes_passed = passed[user_id]
