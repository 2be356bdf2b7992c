"""Suggested mentors for one mentee in one programme: ranked by the engine, with reasons.

Only approved, unpaused mentor enrolments with a free place whose verification satisfies the
programme (``matchable_mentors``) are in the pool; dismissed mentors and those already asked
are left out.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet

from carementor.accounts.models import User
from carementor.credentials.models import matchable_mentors
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Scorer, explain, top_k
from carementor.matching.models import MatchRequest, SuggestionMark
from carementor.programs.models import Enrollment, Program


@dataclass
class Suggested:
    user: User
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)
    free_places: int = 0
    bookmarked: bool = False


def mentor_enrollments(program: Program) -> "QuerySet[Enrollment]":
    """Mentors who may be suggested or matched now."""
    users = matchable_mentors(
        User.objects.filter(is_active=True), verification_kind=program.verification_kind
    )
    return (
        program.enrollments.approved()
        .mentors()
        .filter(paused_at__isnull=True, capacity__gt=F("seats_taken"), user__in=users)
    )


def filter_mentors(qs: "QuerySet[Enrollment]", filters: dict[str, str]) -> "QuerySet[Enrollment]":
    if filters.get("profession"):
        qs = qs.filter(user__profile__profession__code=filters["profession"])
    if filters.get("specialty"):
        qs = qs.filter(user__profile__specialties__code=filters["specialty"])
    if filters.get("language"):
        qs = qs.filter(user__profile__languages__code=filters["language"])
    return qs.distinct()


# JSON list filters run in Python: SQLite has no JSON containment lookup.
LIST_FILTERS = {"role": "roles_offered", "format": "meeting_formats", "slot": "preferred_slots"}


def _passes(user: User, filters: dict[str, str]) -> bool:
    profile = getattr(user, "profile", None)
    for key, attr in LIST_FILTERS.items():
        if filters.get(key) and (profile is None or filters[key] not in getattr(profile, attr)):
            return False
    return True


def suggest(
    program: Program, mentee: User, *, k: int = 10, filters: dict[str, str] | None = None
) -> list[Suggested]:
    pool = filter_mentors(mentor_enrollments(program), filters or {}).exclude(user=mentee)
    marks = dict(
        SuggestionMark.objects.filter(program=program, mentee=mentee).values_list(
            "mentor_id", "kind"
        )
    )
    asked = set(
        MatchRequest.objects.filter(program=program, mentee=mentee)
        .filter(Q(status__in=MatchRequest.OPEN) | Q(status=MatchRequest.Status.ACCEPTED))
        .values_list("mentor_id", flat=True)
    )
    hidden = {pk for pk, kind in marks.items() if kind == SuggestionMark.Kind.DISMISS} | asked
    enrollments = {
        e.user_id: e
        for e in pool.exclude(user_id__in=hidden).only("user_id", "capacity", "seats_taken")
    }
    if not enrollments:
        return []
    users = [
        u
        for u in adapter.users_with_profiles(User.objects.filter(pk__in=enrollments))
        if _passes(u, filters or {})
    ]
    if not users:
        return []
    mentors = [
        adapter.person(u, capacity=enrollments[u.pk].capacity, load=enrollments[u.pk].seats_taken)
        for u in users
    ]
    me = adapter.users_with_profiles(User.objects.filter(pk=mentee.pk)).get()
    mentee_person = adapter.person(me)
    mentee_pop, mentor_pop = adapter.populations([mentee_person], mentors)
    settings = adapter.program_settings(program)
    by_code = {u.code: u for u in users}
    bookmarked = {by_code_pk for by_code_pk, kind in marks.items() if kind == "bookmark"}
    ranked = top_k(
        mentor_pop,
        mentee_person,
        k,
        settings=settings,
        bookmarked=[u.code for u in users if u.pk in bookmarked],
    )
    scorer = Scorer(mentee_pop, mentor_pop, settings)
    names = adapter.labels()
    result = []
    for suggestion in ranked:
        user = by_code[suggestion.key]
        why = explain(scorer, 0, suggestion.key, labels=names)
        enrollment = enrollments[user.pk]
        result.append(
            Suggested(
                user=user,
                score=suggestion.score,
                reasons=adapter.reasons_json(why.reasons, names),
                free_places=enrollment.free_seats,
                bookmarked=suggestion.bookmarked,
            )
        )
    return result


def explain_pair(program: Program, mentee: User, mentor: User) -> tuple[float | None, list[Any]]:
    """Score and reasons for one pair (stored on a request so the mentor sees why)."""
    enrollment = program.enrollments.filter(user=mentor).first()
    users = {
        u.pk: u
        for u in adapter.users_with_profiles(User.objects.filter(pk__in=[mentee.pk, mentor.pk]))
    }
    a = adapter.person(users[mentee.pk])
    b = adapter.person(
        users[mentor.pk],
        capacity=enrollment.capacity if enrollment else 1,
        load=enrollment.seats_taken if enrollment else 0,
    )
    pa, pb = adapter.populations([a], [b])
    names = adapter.labels()
    why = explain(Scorer(pa, pb, adapter.program_settings(program)), 0, 0, labels=names)
    score = why.score if why.eligible else None
    return score, adapter.reasons_json(why.reasons, names)
