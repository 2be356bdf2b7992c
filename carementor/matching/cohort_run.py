"""Compute a coordinator's match run: load the programme's pool, match it, explain the result.

The pool is the programme's approved mentees who may start another relationship of the run's
role there (pair runs honour ``Program.role_limits``, counting the open relationships each
mentee already holds; circle and family runs take only mentees with none yet), and its
matchable mentors (approved, unpaused, verified as the programme asks) with free places.
Locked pairs are kept (one per mentee, up to the mentor's free places); forbidden pairs are
never proposed. Everything written here is a draft: publishing is `runs.run_publish`.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.lib.bulk import insert_rows
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Person, Scorer, explain, match_cohort
from carementor.matching.mentorships_bridge import (
    matched_mentee_ids,
    mentees_at_role_limit,
    open_pairs,
)
from carementor.matching.models import MatchProposal, MatchRun, PairRule
from carementor.matching.suggestions import mentor_enrollments
from carementor.programs.models import Enrollment, Program

CANDIDATES = 50  # each mentee's best mentors kept for the matcher
BUCKETS = 10  # match-quality histogram in tenths: 0 to 10 %, … 90 to 100 %

# Why someone stays unmatched; stored as a code so each reader sees their own language.
UNMATCHED_REASONS = {
    "no_seats": _("No mentor has a free place in this programme."),
    "no_eligible": _(
        "No mentor is eligible: a conflict of interest, no shared language or another rule "
        "rules out every mentor with a free place."
    ),
    "all_forbidden": _("Every eligible mentor is forbidden for this mentee."),
    "outranked_stable": _(
        "Every suitable mentor's places went to mentees that mentor ranked higher."
    ),
    "outranked_optimal": _(
        "Every suitable mentor's places went to pairs that scored higher overall."
    ),
    "no_peer": _("Nobody else in this programme is waiting for a peer."),
    "outranked_peer": _("Every suitable peer was paired with someone who suited them better."),
    "not_published": _(
        "Their proposal could not be published: the mentor filled up or someone left meanwhile."
    ),
}


def unmatched_rows(run: MatchRun) -> list[dict[str, str]]:
    return [
        {**row, "reason": str(UNMATCHED_REASONS.get(row.get("code", ""), ""))}
        for row in run.unmatched
    ]


@dataclass
class Pool:
    mentees: list[User]
    mentors: list[User]
    seats: dict[int, Enrollment]  # mentor user id → enrolment
    rules: list[PairRule] = field(default_factory=list)
    # (mentee id, mentor id) already together in an open relationship: never proposed again.
    together: set[tuple[int, int]] = field(default_factory=set)
    people: dict[int, Person] = field(default_factory=dict)  # user id → engine person

    def person(self, user: User, *, capacity: int = 0, load: int = 0) -> Person:
        """The user as the engine sees them, with a mentor's places when given."""
        return adapter.with_seats(self.people[user.pk], capacity=capacity, load=load)


# The account columns the runs read (code, name); the profile comes as plain values.
USER_COLUMNS = ("id", "code", "full_name", "email", "timezone")


def load_pool(program: Program) -> Pool:
    """The run's people in a fixed number of queries per 5,000 (no per-person queries)."""
    from carementor.matching import formats_run

    together: set[tuple[int, int]] = set()
    if formats_run.shape(program) == "pairs":
        already = mentees_at_role_limit(program, (program.roles or ["mentor"])[0])
        together = open_pairs(program)
    else:
        already = matched_mentee_ids(program)
    mentee_ids = set(
        program.enrollments.approved()
        .mentees()
        .exclude(user_id__in=already)
        .values_list("user_id", flat=True)
    )
    seats = {
        e.user_id: e
        for e in mentor_enrollments(program).only(
            "program_id", "user_id", "capacity", "seats_taken", "role"
        )
    }
    wanted = mentee_ids | set(seats)
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted).only(*USER_COLUMNS)}
    rules = list(
        PairRule.objects.filter(program=program)
        .select_related("mentee", "mentor")
        .order_by("created_at", "pk")
    )
    return Pool(
        mentees=[users[pk] for pk in sorted(mentee_ids) if pk in users],
        mentors=[users[pk] for pk in sorted(seats) if pk in users],
        seats=seats,
        rules=rules,
        together=together,
        people=adapter.people(users),
    )


def together_codes(pool: Pool) -> list[tuple[str, str]]:
    """The pool's pairs already in an open relationship, as (mentee code, mentor code)."""
    mentees = {u.pk: u.code for u in pool.mentees}
    mentors = {u.pk: u.code for u in pool.mentors}
    return sorted(
        (mentees[e], mentors[m]) for e, m in pool.together if e in mentees and m in mentors
    )


def histogram(scores: list[float]) -> list[int]:
    counts, _edges = np.histogram(np.clip(scores, 0.0, 1.0), bins=BUCKETS, range=(0.0, 1.0))
    return [int(c) for c in counts]


class _Progress:
    """Writes progress to the run's row, at most twice a second."""

    def __init__(self, run: MatchRun) -> None:
        self.run_id = run.pk
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        MatchRun.objects.filter(pk=self.run_id).update(progress_done=done, progress_total=total)


def _usable_locks(pool: Pool, mentee_keys: set[str], free: dict[str, int]) -> list[tuple[str, str]]:
    left = dict(free)
    locks: list[tuple[str, str]] = []
    seen: set[str] = set()
    for rule in pool.rules:
        if rule.kind != PairRule.Kind.LOCK:
            continue
        e, m = rule.mentee.code, rule.mentor.code
        if e in seen or e not in mentee_keys or left.get(m, 0) <= 0:
            continue  # the person left the pool, or the mentor's places are used up
        if (rule.mentee_id, rule.mentor_id) in pool.together:
            continue  # already together in an open relationship
        seen.add(e)
        left[m] -= 1
        locks.append((e, m))
    return locks


def compute(run: MatchRun, progress: Callable[[int, int], None] | None = None) -> None:
    """Fill the run's proposals, statistics and unmatched list (replacing earlier ones)."""
    from carementor.matching import formats_run, hybrid

    program = run.program
    pool = load_pool(program)
    kind = formats_run.shape(program)
    mentees = [pool.person(u) for u in pool.mentees]
    mentors = [
        pool.person(u, capacity=pool.seats[u.pk].capacity, load=pool.seats[u.pk].seats_taken)
        for u in pool.mentors
    ]
    free = {u.code: pool.seats[u.pk].free_seats for u in pool.mentors}
    stats: dict[str, Any] = {
        "mentees": len(mentees),
        "mentors": len(mentors),
        "seats": sum(free.values()),
    }
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    if kind == "peers":
        proposals, unmatched = formats_run.compute_peers(run, pool.rules, stats)
    elif kind == "circles":
        proposals, unmatched = formats_run.compute_circles(run, pool, free, stats)
    elif kind == "families":
        proposals, unmatched = formats_run.compute_families(run, pool, free, stats, progress)
    elif not mentees or not mentors:
        unmatched = [
            {"user": u.code, "name": u.full_name or u.email, "code": "no_seats"}
            for u in pool.mentees
        ]
    elif hybrid.is_hybrid(program) and run.mode == MatchRun.Mode.STABLE:
        locks = _usable_locks(pool, {p.key for p in mentees}, free)
        proposals, unmatched = hybrid.compute_hybrid(
            run, pool, mentees, mentors, free, locks, stats
        )
    else:
        proposals, unmatched = _match(run, pool, mentees, mentors, free, stats, progress)
    scores = [p.score for p in proposals if p.score is not None]
    stats.update(
        matched=len(proposals) * (2 if kind == "peers" else 1),
        mean_score=round(float(np.mean(scores)), 3) if scores else None,
        median_score=round(float(np.median(scores)), 3) if scores else None,
        histogram=histogram(scores),
    )
    with transaction.atomic():
        run.proposals.all().delete()
        insert_rows(MatchProposal, proposals)  # COPY on PostgreSQL: 50,000 rows in seconds
        run.stats = stats
        run.unmatched = unmatched
        run.save(update_fields=["stats", "unmatched"])


def _match(
    run: MatchRun,
    pool: Pool,
    mentees: list[Any],
    mentors: list[Any],
    free: dict[str, int],
    stats: dict[str, Any],
    progress: Callable[[int, int], None] | None,
) -> tuple[list[MatchProposal], list[dict[str, str]]]:
    mentee_pop, mentor_pop = adapter.populations(mentees, mentors)
    settings = adapter.program_settings(run.program)
    mentee_keys = {p.key for p in mentees}
    mentor_keys = set(free)
    locks = _usable_locks(pool, mentee_keys, free)
    forbidden = [
        (r.mentee.code, r.mentor.code)
        for r in pool.rules
        if r.kind == PairRule.Kind.FORBID
        and r.mentee.code in mentee_keys
        and r.mentor.code in mentor_keys
    ]
    existing = together_codes(pool)
    forbidden += existing
    result = match_cohort(
        mentee_pop,
        mentor_pop,
        settings,
        mode="stable" if run.mode == MatchRun.Mode.STABLE else "optimal",
        k=min(CANDIDATES, len(mentors)),
        maximize_matched=run.maximize_matched,
        capacities=np.array([free[p.key] for p in mentors], dtype=np.int64),
        locked=locks,
        forbidden=forbidden,
        progress=progress or _Progress(run),
    )
    stats["locked"] = len(locks)
    stats["forbidden"] = len(forbidden) - len(existing)
    stats["seconds"] = round(sum(result.seconds.values()), 3)
    scorer = Scorer(mentee_pop, mentor_pop, settings)
    names = adapter.labels()
    locked = set(locks)
    banned = set(forbidden)
    graph = result.candidates
    matched = np.flatnonzero(result.assignment >= 0)
    # Every proposal's components in one batched pass; the sentences per pair.
    values = dict(
        zip(
            matched.tolist(),
            scorer.components_many(matched, result.assignment[matched]),
            strict=True,
        )
    )
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    texts: dict[tuple[Any, ...], str] = {}  # each distinct reason sentence, made once
    for e, user in enumerate(pool.mentees):
        m = int(result.assignment[e])
        if m >= 0:
            mentor = pool.mentors[m]
            why = explain(scorer, e, m, labels=names, values=values[e], with_penalties=False)
            score = float(result.scores[e])
            proposals.append(
                MatchProposal(
                    run=run,
                    mentee=user,
                    mentor=mentor,
                    score=score if np.isfinite(score) else None,
                    reasons=adapter.reasons_json(
                        why.reasons if why.eligible else why.blocked_by, names, texts
                    ),
                    locked=(user.code, mentor.code) in locked,
                )
            )
            continue
        listed = graph.indices[graph.indptr[e] : graph.indptr[e + 1]]
        allowed = [c for c in listed if (user.code, pool.mentors[c].code) not in banned]
        if len(listed) == 0:
            code = "no_eligible"
        elif not allowed:
            code = "all_forbidden"
        else:
            code = "outranked_stable" if run.mode == MatchRun.Mode.STABLE else "outranked_optimal"
        unmatched.append({"user": user.code, "name": user.full_name or user.email, "code": code})
    return proposals, unmatched
