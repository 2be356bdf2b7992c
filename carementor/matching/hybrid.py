"""Hybrid matching: mentees rank their top choices, the coordinator's stable run uses them.

A mentee ranks up to `MAX_RANKED` matchable mentors. In a stable run of a hybrid programme
each mentee's list is their ranked mentors first (in their order), then every other eligible
mentor by score, so a short list never leaves someone out who could have been placed; mentors
rank mentees by score. Optimal runs ignore rankings. The coordinator still adjusts and
publishes the draft as usual.
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Scorer, explain, stable_match
from carementor.matching.models import MatchProposal, MatchRun, MentorRanking, PairRule
from carementor.matching.services import MatchError
from carementor.matching.suggestions import mentor_enrollments
from carementor.programs.models import MatchingMode, Program

if TYPE_CHECKING:
    from carementor.accounts.models import User

MAX_RANKED = 5
RANKABLE = (Program.Status.DRAFT, Program.Status.PUBLISHED)


def is_hybrid(program: Program) -> bool:
    return program.matching_mode == MatchingMode.HYBRID


def ranking_of(program: Program, mentee: "User") -> list[MentorRanking]:
    return list(
        MentorRanking.objects.filter(program=program, mentee=mentee)
        .select_related("mentor")
        .order_by("rank")
    )


@transaction.atomic
def ranking_set(
    *, program: Program, mentee: "User", mentors: list[Any], actor: "User", request: Any = None
) -> list[MentorRanking]:
    """Replace a mentee's ranked choices (best first); an empty list clears them."""
    if not is_hybrid(program):
        raise MatchError(_("This programme does not ask participants to rank."), "not_hybrid", 409)
    if program.status not in RANKABLE:
        raise MatchError(_("This programme is closed."), "closed", 409)
    if not program.enrollments.approved().mentees().filter(user=mentee).exists():
        raise MatchError(
            _("Only approved mentees of this programme can rank mentors."), "not_enrolled", 403
        )
    if len(mentors) > MAX_RANKED:
        raise MatchError(_("Rank at most %(n)d mentors.") % {"n": MAX_RANKED}, "too_many", 422)
    ids = [m.pk for m in mentors]
    if len(set(ids)) != len(ids):
        raise MatchError(_("Choose each mentor only once."), "duplicate", 422)
    allowed = set(
        mentor_enrollments(program).filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    if mentee.pk in ids or not set(ids) <= allowed:
        raise MatchError(
            _("One of these mentors cannot be matched in this programme."), "unavailable", 422
        )
    MentorRanking.objects.filter(program=program, mentee=mentee).delete()
    rows = MentorRanking.objects.bulk_create(
        MentorRanking(program=program, mentee=mentee, mentor=m, rank=i)
        for i, m in enumerate(mentors, start=1)
    )
    record(
        actor,
        "mentor_ranking.saved",
        program,
        organization=program.organization,
        request=request,
        detail={"mentors": [m.code for m in mentors]},
    )
    return rows


def compute_hybrid(
    run: MatchRun,
    pool: Any,
    mentees: list[Any],
    mentors: list[Any],
    free: dict[str, int],
    locks: list[tuple[str, str]],
    stats: dict[str, Any],
) -> tuple[list[MatchProposal], list[dict[str, str]]]:
    """Stable matching with mentees' own rankings first; locked pairs are kept as they are."""
    program = run.program
    mentee_pop, mentor_pop = adapter.populations(mentees, mentors)
    scorer = Scorer(mentee_pop, mentor_pop, adapter.program_settings(program))
    scores = np.asarray(scorer.block(np.arange(len(mentees))), dtype=np.float64)
    e_index = {u.pk: i for i, u in enumerate(pool.mentees)}
    m_index = {u.pk: j for j, u in enumerate(pool.mentors)}
    for rule in pool.rules:
        forbid = rule.kind == PairRule.Kind.FORBID
        if forbid and rule.mentee_id in e_index and rule.mentor_id in m_index:
            scores[e_index[rule.mentee_id], m_index[rule.mentor_id]] = -np.inf
    for mentee_id, mentor_id in getattr(pool, "together", ()):
        if mentee_id in e_index and mentor_id in m_index:  # already together: not again
            scores[e_index[mentee_id], m_index[mentor_id]] = -np.inf
    caps = np.array([free[u.code] for u in pool.mentors], dtype=np.int64)
    assignment = np.full(len(mentees), -1, dtype=np.int64)
    code_e = {u.code: i for i, u in enumerate(pool.mentees)}
    code_m = {u.code: j for j, u in enumerate(pool.mentors)}
    for e_code, m_code in locks:
        e, m = code_e[e_code], code_m[m_code]
        assignment[e] = m
        caps[m] -= 1
    ranked: dict[int, list[int]] = {}
    rankings = MentorRanking.objects.filter(program=program, mentee_id__in=e_index).order_by(
        "mentee_id", "rank"
    )
    for r in rankings.values("mentee_id", "mentor_id"):
        if r["mentor_id"] in m_index:
            ranked.setdefault(e_index[r["mentee_id"]], []).append(m_index[r["mentor_id"]])
    free_rows = [e for e in range(len(mentees)) if assignment[e] < 0]
    e_prefs: list[list[int]] = []
    for e in free_rows:
        row = scores[e]
        own = [m for m in ranked.get(e, []) if np.isfinite(row[m])]
        rest = [int(m) for m in np.lexsort((np.arange(len(row)), -row)) if np.isfinite(row[m])]
        e_prefs.append(own + [m for m in rest if m not in own])
    m_prefs: list[list[int]] = []
    sub = scores[free_rows] if free_rows else np.zeros((0, len(mentors)))
    for m in range(len(mentors)):
        col = sub[:, m]
        order = np.lexsort((np.arange(len(col)), -col))
        m_prefs.append([int(i) for i in order if np.isfinite(col[i])])
    result = stable_match(e_prefs, m_prefs, caps) if free_rows else np.array([], dtype=np.int64)
    for i, e in enumerate(free_rows):
        assignment[e] = int(result[i])
    names = adapter.labels()
    locked = set(locks)
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    first_choice = 0
    for e, user in enumerate(pool.mentees):
        m = int(assignment[e])
        if m < 0:
            row = scores[e]
            code = "outranked_stable" if np.isfinite(row).any() else "no_eligible"
            unmatched.append(
                {"user": user.code, "name": user.full_name or user.email, "code": code}
            )
            continue
        if ranked.get(e, [None])[0] == m:
            first_choice += 1
        why = explain(scorer, e, m, labels=names)
        score = float(scores[e, m])
        proposals.append(
            MatchProposal(
                run=run,
                mentee=user,
                mentor=pool.mentors[m],
                score=score if np.isfinite(score) else None,
                reasons=adapter.reasons_json(
                    why.reasons if why.eligible else why.blocked_by, names
                ),
                locked=(user.code, pool.mentors[m].code) in locked,
            )
        )
    stats.update(ranked=len(ranked), first_choice=first_choice, locked=len(locks))
    return proposals, unmatched
