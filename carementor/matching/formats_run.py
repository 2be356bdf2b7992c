"""Match runs for the group and peer formats (the one-to-one run is `cohort_run`).

Circles: every mentor with a free place leads one circle of up to the programme's circle size;
members are placed with the engine's `form_circles` (suit the leader, resemble each other).
A circle is stored as one proposal per member sharing the leader, and is published as one
mentorship, so it takes one of the leader's places.

Peers: every approved participant without an open relationship in the programme is paired
within one pool by `peer_match`. A mentorship needs a mentor party, so the more senior of the
two (career stage, then the earlier enrolment) is stored as the mentor side; the relationship
role is "peer" either way.

Near-peer families (faculty + resident + students): a resident is enrolled as both mentor and
mentee, faculty as mentors, students as mentees. Two optimal assignments on the engine place
residents with faculty (each faculty member leads as many families as they have free places)
and students with residents (up to the programme's circle size each). Both layers are stored as
proposals; publishing makes each family one mentorship with the faculty member and the resident
as its mentors and the students as its mentees, so the family meets and talks in one place. A
family takes one place from its faculty member and one from its resident; a resident who gets
no students is published as the faculty member's mentee instead.
"""

from typing import Any

import numpy as np
import scipy.sparse as sp

from carementor.accounts.models import User
from carementor.matching import profiles_adapter as adapter
from carementor.matching.cohort_run import USER_COLUMNS, Pool
from carementor.matching.engine import Scorer, explain, form_circles, peer_match
from carementor.matching.mentorships_bridge import matched_user_ids
from carementor.matching.models import MatchProposal, MatchRun, PairRule
from carementor.programs.models import Enrollment, Program

LOCKED_WEIGHT = 1000.0
COHESION = 0.5  # weight of members' similarity to each other against their fit with the leader

GROUP = "group"
PEER = "peer"
NEAR_PEER = "near_peer"


def shape(program: Program) -> str:
    """How a run in this programme groups people: pairs, circles or peer pairs."""
    if program.format == GROUP:
        return "circles"
    if program.format == PEER:
        return "peers"
    if program.format == NEAR_PEER:
        return "families"
    return "pairs"


def _name(user: User) -> str:
    return user.full_name or user.email


def _forbidden(pool: Pool) -> set[tuple[str, str]]:
    return {(r.mentee.code, r.mentor.code) for r in pool.rules if r.kind == PairRule.Kind.FORBID}


def _circle_locks(pool: Pool, leaders: list[User], size: int) -> set[tuple[str, str]]:
    """Locked pairs still in the pool, at most a circle's size per leader."""
    mentees = {u.code for u in pool.mentees}
    room = {u.code: size for u in leaders}
    kept: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for rule in pool.rules:
        e, m = rule.mentee.code, rule.mentor.code
        if rule.kind != PairRule.Kind.LOCK or e in seen or e not in mentees or room.get(m, 0) <= 0:
            continue
        seen.add(e)
        room[m] -= 1
        kept.add((e, m))
    return kept


def compute_circles(
    run: MatchRun, pool: Pool, free: dict[str, int], stats: dict[str, Any]
) -> tuple[list[MatchProposal], list[dict[str, str]]]:
    program = run.program
    leaders = [u for u in pool.mentors if free.get(u.code, 0) > 0]
    mentees = [pool.person(u) for u in pool.mentees]
    mentors = [
        pool.person(u, capacity=pool.seats[u.pk].capacity, load=pool.seats[u.pk].seats_taken)
        for u in leaders
    ]
    size = max(int(program.circle_size or 1), 1)
    stats.update(circle_size=size, circles_possible=len(leaders), seats=len(leaders) * size)
    if not mentees or not mentors:
        return [], [{"user": u.code, "name": _name(u), "code": "no_seats"} for u in pool.mentees]
    mentee_pop, mentor_pop = adapter.populations(mentees, mentors)
    scorer = Scorer(mentee_pop, mentor_pop, adapter.program_settings(program))
    scores = np.asarray(scorer.block(np.arange(len(mentees))), dtype=np.float64)
    banned = _forbidden(pool)
    for e, user in enumerate(pool.mentees):
        for m, leader in enumerate(leaders):
            if (user.code, leader.code) in banned:
                scores[e, m] = -np.inf
    locked = _circle_locks(pool, leaders, size)
    placing = scores.copy()
    e_of = {u.code: e for e, u in enumerate(pool.mentees)}
    m_of = {u.code: m for m, u in enumerate(leaders)}
    for e_code, m_code in locked:
        # Far above any score, so neither the optimal start nor a later swap moves them.
        placing[e_of[e_code], m_of[m_code]] = LOCKED_WEIGHT
    text = mentee_pop.text_matrix()
    similarity = np.asarray((text @ text.T).todense(), dtype=np.float64)
    circles = form_circles(placing, [size] * len(leaders), similarity, cohesion=COHESION)
    names = adapter.labels()
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    for e, user in enumerate(pool.mentees):
        m = int(circles.leader[e])
        if m < 0:
            eligible = np.isfinite(scores[e]).any()
            code = "outranked_optimal" if eligible else "no_eligible"
            unmatched.append({"user": user.code, "name": _name(user), "code": code})
            continue
        why = explain(scorer, e, m, labels=names)
        score = float(scores[e, m])
        proposals.append(
            MatchProposal(
                run=run,
                mentee=user,
                mentor=leaders[m],
                score=score if np.isfinite(score) else None,
                reasons=adapter.reasons_json(
                    why.reasons if why.eligible else why.blocked_by, names
                ),
                locked=(user.code, leaders[m].code) in locked,
            )
        )
    stats["locked"] = len(locked)
    stats["circles"] = len({p.mentor.pk for p in proposals})
    stats["cohesion"] = round(float(circles.cohesion), 3)
    return proposals, unmatched


def load_peers(program: Program) -> list[User]:
    already = matched_user_ids(program)
    ids = (
        program.enrollments.approved()
        .exclude(user_id__in=already)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).only(*USER_COLUMNS).order_by("pk"))


def _senior_first(a: int, b: int, people: list[Any], users: list[User]) -> tuple[int, int]:
    """(mentor side, mentee side): the higher career stage, else the lower id, is the mentor."""
    ra, rb = people[a].career_rank, people[b].career_rank
    ka = (ra if ra is not None else -1, -users[a].pk)
    kb = (rb if rb is not None else -1, -users[b].pk)
    return (a, b) if ka >= kb else (b, a)


def compute_peers(
    run: MatchRun, rules: list[PairRule], stats: dict[str, Any]
) -> tuple[list[MatchProposal], list[dict[str, str]]]:
    users = load_peers(run.program)
    stats.update(mentees=len(users), mentors=len(users), seats=len(users) // 2)
    if len(users) < 2:
        return [], [{"user": u.code, "name": _name(u), "code": "no_peer"} for u in users]
    found = adapter.people(u.pk for u in users)
    people = [adapter.with_seats(found[u.pk], capacity=1) for u in users]
    pop, same = adapter.populations(people, people)
    scorer = Scorer(pop, same, adapter.program_settings(run.program))
    dense = np.asarray(scorer.block(np.arange(len(users))), dtype=np.float64)
    index = {u.code: i for i, u in enumerate(users)}
    for r in rules:
        if r.kind == PairRule.Kind.FORBID and r.mentee.code in index and r.mentor.code in index:
            i, j = index[r.mentee.code], index[r.mentor.code]
            dense[i, j] = dense[j, i] = -np.inf
    np.fill_diagonal(dense, -np.inf)
    keep = np.isfinite(dense) & (dense > 0)
    rows, cols = np.nonzero(keep)
    graph = sp.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
    result = peer_match(graph)
    stats["exact"] = bool(result.exact)
    names = adapter.labels()
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    for i, user in enumerate(users):
        j = int(result.partner[i])
        if j < 0:
            code = "outranked_peer" if keep[i].any() else "no_eligible"
            unmatched.append({"user": user.code, "name": _name(user), "code": code})
            continue
        if j < i:
            continue
        senior, junior = _senior_first(i, j, people, users)
        why = explain(scorer, junior, senior, labels=names)
        score = max(float(dense[i, j]), float(dense[j, i]))
        proposals.append(
            MatchProposal(
                run=run,
                mentee=users[junior],
                mentor=users[senior],
                score=score if np.isfinite(score) else None,
                reasons=adapter.reasons_json(
                    why.reasons if why.eligible else why.blocked_by, names
                ),
            )
        )
    return proposals, unmatched


def resident_ids(program: Program, user_ids: Any = None) -> set[int]:
    """Residents of a families programme: approved participants enrolled as mentor and mentee."""
    rows = program.enrollments.approved().filter(role=Enrollment.Role.BOTH)
    if user_ids is not None:
        rows = rows.filter(user_id__in=user_ids)
    return set(rows.values_list("user_id", flat=True))


def compute_families(
    run: MatchRun,
    pool: Pool,
    free: dict[str, int],
    stats: dict[str, Any],
    progress: Any = None,
) -> tuple[list[MatchProposal], list[dict[str, str]]]:
    from carementor.matching.cohort_run import _match

    program = run.program
    residents_all = resident_ids(program)
    taken = matched_user_ids(program)
    residents = [u for u in pool.mentees if u.pk in residents_all and u.pk not in taken]
    students = [u for u in pool.mentees if u.pk not in residents_all]
    faculty = [u for u in pool.mentors if u.pk not in residents_all and free.get(u.code, 0) > 0]
    # A resident leads a family only if they may mentor here (verified, a free place).
    leaders = [u for u in residents if u.pk in pool.seats and free.get(u.code, 0) > 0]
    size = max(int(program.circle_size or 1), 1)
    stats.update(
        mentees=len(residents) + len(students),
        mentors=len(faculty) + len(leaders),
        seats=sum(free[u.code] for u in faculty) + len(leaders) * size,
        residents=len(residents),
        students=len(students),
        faculty=len(faculty),
        circle_size=size,
    )
    proposals: list[MatchProposal] = []
    unmatched: list[dict[str, str]] = []
    layers = (
        (residents, faculty, {u.code: free[u.code] for u in faculty}),
        (students, leaders, {u.code: size for u in leaders}),
    )
    for mentees_, mentors_, room in layers:
        if not mentees_:
            continue
        if not mentors_:
            unmatched += [{"user": u.code, "name": _name(u), "code": "no_seats"} for u in mentees_]
            continue
        sub = Pool(
            mentees=mentees_,
            mentors=mentors_,
            seats=pool.seats,
            rules=pool.rules,
            people=pool.people,
        )
        people = [pool.person(u) for u in mentees_]
        guides = [pool.person(u, capacity=room[u.code], load=0) for u in mentors_]
        layer: dict[str, Any] = {}
        placed, left = _match(run, sub, people, guides, room, layer, progress)
        proposals += placed
        unmatched += left
        for key in ("locked", "forbidden"):
            stats[key] = stats.get(key, 0) + layer.get(key, 0)
    stats["families"] = len(
        {p.mentor.pk for p in proposals if p.mentor.pk in residents_all}
        | {p.mentee.pk for p in proposals if p.mentee.pk in residents_all}
    )
    return proposals, unmatched
