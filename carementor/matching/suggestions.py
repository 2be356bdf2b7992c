"""Suggested mentors for one mentee in one programme: ranked by the engine, with reasons.

Only approved, unpaused mentor enrolments with a free place whose verification satisfies the
programme (``matchable_mentors``) are in the pool; dismissed mentors and those already asked
are left out.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import CharField, F, Q, QuerySet, Value

from carementor.accounts.models import User
from carementor.credentials.models import matchable_mentors
from carementor.matching import pools
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Scorer, explain
from carementor.matching.engine.topk import best_rows
from carementor.matching.models import MatchRequest, SuggestionMark
from carementor.profiles.models import ConflictOfInterest
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
    # Only the many-to-many filters can repeat a row.
    return qs.distinct() if filters.get("specialty") or filters.get("language") else qs


# JSON list filters run in Python: SQLite has no JSON containment lookup.
LIST_FILTERS = {"role": "roles_offered", "format": "meeting_formats", "slot": "preferred_slots"}


def _passes(user: User, filters: dict[str, str]) -> bool:
    profile = getattr(user, "profile", None)
    for key, attr in LIST_FILTERS.items():
        if filters.get(key) and (profile is None or filters[key] not in getattr(profile, attr)):
            return False
    return True


FILTER_KEYS = ("profession", "specialty", "language", "role", "format", "slot")
GUARD_ROUNDS = 3  # at most this many extra queries when the pool lags behind the database


def _hidden_and_bookmarked(program: Program, mentee: User) -> tuple[set[int], set[int]]:
    """Mentors this mentee dismissed or already asked, and those they bookmarked (one query)."""
    marks = (
        SuggestionMark.objects.filter(program=program, mentee=mentee)
        .order_by()
        .values_list("mentor_id", "kind")
    )
    asked = (
        MatchRequest.objects.filter(program=program, mentee=mentee)
        .filter(Q(status__in=MatchRequest.OPEN) | Q(status=MatchRequest.Status.ACCEPTED))
        .annotate(kind=Value("asked", output_field=CharField()))
        .order_by()
        .values_list("mentor_id", "kind")
    )
    hidden: set[int] = set()
    bookmarked: set[int] = set()
    for mentor_id, kind in marks.union(asked, all=True):
        (bookmarked if kind == SuggestionMark.Kind.BOOKMARK else hidden).add(mentor_id)
    return hidden, bookmarked - hidden


def _current(
    program: Program, mentee: User, user_ids: list[int], filters: dict[str, str]
) -> dict[int, Enrollment]:
    """The guard: which of these mentors the database says may be suggested right now
    (including conflicts of interest declared on either side since anything was cached).

    The same rules as `mentor_enrollments`, written for a handful of users: every subquery
    is bounded by `user_ids`, so the cost does not grow with the programme."""
    users = matchable_mentors(
        User.objects.filter(pk__in=user_ids, is_active=True),
        verification_kind=program.verification_kind,
    )
    qs: QuerySet[Enrollment] = (
        program.enrollments.approved()
        .mentors()
        .filter(
            user_id__in=user_ids,
            paused_at__isnull=True,
            capacity__gt=F("seats_taken"),
            user__in=users.values("pk"),
        )
    )
    qs = filter_mentors(qs, filters).exclude(
        user__in=ConflictOfInterest.objects.filter(
            profile__user=mentee, other_user__in=user_ids
        ).values("other_user")
    )
    qs = qs.exclude(
        user__profile__in=ConflictOfInterest.objects.filter(
            other_user=mentee, profile__user__in=user_ids
        ).values("profile")
    )
    qs = qs.select_related("user__profile__profession", "user__profile__career_stage")
    return {e.user_id: e for e in qs if _passes(e.user, filters)}


def suggest(
    program: Program, mentee: User, *, k: int = 10, filters: dict[str, str] | None = None
) -> list[Suggested]:
    """The k best mentors for the mentee, from the programme's encoded pool.

    Every filter is a mask over the pool; the mentee alone is encoded now. The chosen rows
    are then re-read from the database (one query) and any that is no longer eligible
    (full, paused, unverified, filtered out) is dropped for the next best, so a lagging pool
    can cost a place in the ranking but never shows a mentor who cannot be asked.
    """
    filters = {key: filters[key] for key in FILTER_KEYS if filters and filters.get(key)}
    hidden, bookmarked = _hidden_and_bookmarked(program, mentee)
    mentee_person = adapter.cached_person(mentee.pk)
    names = adapter.labels()
    settings = adapter.program_settings(program)
    pool = pools.get(program)
    result: list[Suggested] = []
    with pool.lock:
        mentors = pool.mentors
        mask = pool.eligible() & pool.filter_mask(filters)
        mask[pool.rows_of([*hidden, mentee.pk])] = False
        if not mask.any():
            return []
        scorer = Scorer(mentors.encoder.population([mentee_person]), mentors, settings)
        scores = np.where(mask, scorer.scores(0), np.float32(-np.inf))
        tie = pool.tie_rank()
        ranked: list[int] = []
        checked = 0
        stale: list[int] = []
        for _round in range(GUARD_ROUNDS):
            need = k - len(result)
            size = need + max(5, need // 2)
            if len(ranked) < checked + size:
                ranked = [int(r) for r in best_rows(scores, checked + size, tie)]
            batch = ranked[checked : checked + size]
            if not batch:
                break
            checked += len(batch)
            current = _current(program, mentee, [int(pool.user_ids[r]) for r in batch], filters)
            for row in batch:
                user_id = int(pool.user_ids[row])
                enrollment = current.get(user_id)
                if enrollment is None:
                    stale.append(user_id)
                elif len(result) < k:
                    why = explain(scorer, 0, row, labels=names)
                    result.append(
                        Suggested(
                            user=enrollment.user,
                            score=float(scores[row]),
                            reasons=adapter.reasons_json(why.reasons, names),
                            free_places=enrollment.free_seats,
                            bookmarked=user_id in bookmarked,
                        )
                    )
            if len(result) >= k:
                break
    if stale:
        pools.mentors_changed(stale, program.pk)
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
