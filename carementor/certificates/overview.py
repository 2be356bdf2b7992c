"""Completion of every participant of a programme, for its coordinators, in a fixed number of
queries per page: the facts of a whole page are gathered in bulk, then judged by the same
`completion.evaluate` as a person's own checklist (a test holds the two paths equal)."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower

from carementor.accounts.models import User
from carementor.certificates.completion import Checklist, Facts, evaluate
from carementor.certificates.models import Certificate, CompletionRule, Role
from carementor.lib.sql import count_of
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


class Participants:
    """(user id, role) of everyone taking part in a programme, ordered by name (the
    database's collation, case-insensitive), then user, then role (mentee first).

    Lazy: the list lives in the database as the union of two queries (people taking part as
    mentee, as mentor), so ``len`` is one ``COUNT`` and a slice one page, whatever the size of
    the programme. A person takes part in a role through a mentorship past the proposal or an
    approved enrolment in that role (or both roles)."""

    def __init__(self, program: Program) -> None:
        self.program = program

    def _as(self, role: str, order: int) -> "QuerySet[Any]":
        program = self.program
        parties = (
            MentorshipParty.objects.filter(mentorship__program=program, role=role)
            .exclude(mentorship__phase=Phase.PROPOSED)
            .values("user_id")
        )
        enrolled = Enrollment.objects.filter(
            program=program,
            status=Enrollment.Status.APPROVED,
            role__in=(role, Enrollment.Role.BOTH),
        ).values("user_id")
        return (
            User.objects.filter(Q(pk__in=parties) | Q(pk__in=enrolled))
            .annotate(
                sort_name=Lower("full_name"),
                as_role=Value(role, output_field=CharField()),
                role_order=Value(order, output_field=IntegerField()),
            )
            .values_list("sort_name", "pk", "role_order", "as_role")
            .order_by()
        )

    def queryset(self) -> "QuerySet[Any]":
        mentees = self._as(Role.MENTEE, 0)
        return mentees.union(self._as(Role.MENTOR, 1), all=True).order_by(
            "sort_name", "pk", "role_order"
        )

    def count(self) -> int:
        return self.queryset().count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> tuple[int, str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, str]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [(pk, role) for _n, pk, _o, role in self.queryset()[index]]
        _n, pk, _o, role = self.queryset()[index]
        return (pk, role)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return iter(self[:])


def participants(program: Program) -> Participants:
    """Everyone taking part in ``program`` as (user id, role), paged in the database."""
    return Participants(program)


def overview(program: Program, pairs: list[tuple[int, str]]) -> list[Row]:
    """Checklists for ``pairs`` (a page of `participants`)."""
    rules = {r.role: r for r in CompletionRule.objects.filter(program=program)}
    user_ids = {u for u, _r in pairs}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    facts: dict[tuple[int, str], Facts] = defaultdict(Facts)
    by_mentorship: dict[int, list[tuple[int, str]]] = defaultdict(list)
    wanted = list(rules.values())
    # Agreement in force and meetings held ride on the parties' query as columns.
    parties = MentorshipParty.objects.filter(
        mentorship__program=program, user_id__in=user_ids
    ).select_related("mentorship")
    if any(r.agreement_signed for r in wanted):
        parties = parties.annotate(
            in_force=Exists(
                Agreement.objects.filter(
                    mentorship=OuterRef("mentorship"), effective_at__isnull=False
                )
            )
        )
    if any(r.meetings_held for r in wanted):
        parties = parties.annotate(
            held=count_of(
                Meeting.objects.filter(
                    mentorship=OuterRef("mentorship"), status=MeetingStatus.HELD
                ),
                by="mentorship",
            )
        )
    for party in parties:
        key = (party.user_id, party.role)
        facts[key].mentorships.append(party.mentorship)
        by_mentorship[party.mentorship_id].append(key)
        facts[key].signed = facts[key].signed or getattr(party, "in_force", False)
        facts[key].held += getattr(party, "held", 0)
    ids = list(by_mentorship)
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
    if Role.MENTEE in rules:
        from carementor.logbooks.services import signed_against_requirements

        mentees = {u for u, role in pairs if role == Role.MENTEE}
        for user_id, progress in signed_against_requirements(program, mentees).items():
            facts[(user_id, Role.MENTEE)].logbook = progress
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
