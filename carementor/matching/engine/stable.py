"""Stable cohort matching: mentee-proposing deferred acceptance with mentor capacities.

This is the hospitals/residents algorithm of the residency match. The result is the
mentee-optimal stable matching: no mentee and mentor would both rather be matched to each
other than keep what they have, and every mentee gets the best mentor they can have in any
stable matching. It is unique, so any correct implementation returns the same assignment.

Deferred acceptance does not depend on the order of proposals, so all free mentees propose
at once, round after round, and each mentor keeps its best proposals up to capacity: every
round is a few NumPy operations over the proposals of that round.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_EMPTY = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class Prefs:
    """Preference lists in compressed form: person i ranks `indices[indptr[i]:indptr[i+1]]`,
    best first. Use it instead of lists of lists for millions of entries."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[int]]) -> Prefs:
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        indptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.fromiter(
            itertools.chain.from_iterable(lists), dtype=np.int64, count=int(indptr[-1])
        )
        return cls(indptr, indices)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def owners(self) -> np.ndarray:
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))

    def positions(self) -> np.ndarray:
        """Each entry's rank within its owner's list (0 = first choice)."""
        return np.arange(len(self.indices), dtype=np.int64) - np.repeat(
            self.indptr[:-1], np.diff(self.indptr)
        )

    def to_lists(self) -> list[list[int]]:
        flat = self.indices.tolist()
        return [flat[a:b] for a, b in itertools.pairwise(self.indptr.tolist())]


PrefsLike = Prefs | Sequence[Sequence[int]]


def _as_prefs(prefs: PrefsLike) -> Prefs:
    return prefs if isinstance(prefs, Prefs) else Prefs.from_lists(prefs)


def _argsort(keys: np.ndarray, bound: int) -> np.ndarray:
    """Stable argsort of non-negative int keys below `bound`.

    Packs each position into the low bits of its key and sorts the plain integers, which
    NumPy does several times faster (SIMD) than an argsort; falls back when they do not fit.
    """
    n = len(keys)
    index_bits = max(1, int(n - 1).bit_length())
    if int(bound - 1).bit_length() + index_bits <= 63:
        packed = np.sort((keys.astype(np.int64) << index_bits) | np.arange(n, dtype=np.int64))
        return packed & ((1 << index_bits) - 1)
    return np.argsort(keys, kind="stable")


def _first_of_sorted(keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Mask over `keys[order]` (sorted) keeping, for each distinct key, its earliest entry."""
    ordered = keys[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    if not first.all():
        # Rare: a person listed twice. The earliest entry must come first among equals.
        order[:] = order[np.lexsort((order, ordered))]
    return first


def _mutual(mentee_prefs: Prefs, mentor_prefs: Prefs, n_mentors: int) -> tuple[Prefs, np.ndarray]:
    """Mentee lists keeping only mentors who rank them back, with those mentors' ranks.

    A join of two sorted key arrays: sorting first keeps the lookups sequential in memory,
    which matters at tens of millions of entries.
    """
    n_e = len(mentee_prefs)
    owners = mentee_prefs.owners()
    mentors = mentee_prefs.indices
    if len(mentors) and (mentors.min() < 0 or mentors.max() >= n_mentors):
        raise ValueError("a mentee ranks a mentor index out of range")
    if len(mentor_prefs.indices) and (
        mentor_prefs.indices.min() < 0 or mentor_prefs.indices.max() >= n_e
    ):
        raise ValueError("a mentor ranks a mentee index out of range")
    if len(mentor_prefs) != n_mentors:
        raise ValueError("one preference list per mentor is needed")
    keys = mentor_prefs.owners() * n_e + mentor_prefs.indices
    key_order = _argsort(keys, n_mentors * n_e)
    key_first = _first_of_sorted(keys, key_order)
    key_order = key_order[key_first]
    keys_sorted = keys[key_order]
    ranks_sorted = mentor_prefs.positions()[key_order]

    wanted = mentors * n_e + owners
    want_order = _argsort(wanted, n_mentors * n_e)
    want_first = _first_of_sorted(wanted, want_order)
    want_sorted = wanted[want_order]
    at = np.searchsorted(keys_sorted, want_sorted)
    at = np.minimum(at, max(len(keys_sorted) - 1, 0))
    found = (
        want_first & (keys_sorted[at] == want_sorted) if len(keys_sorted) else want_first & False
    )
    ok = np.zeros(len(wanted), dtype=bool)
    ok[want_order[found]] = True
    rank = np.zeros(len(wanted), dtype=np.int64)
    rank[want_order[found]] = ranks_sorted[at[found]]
    lengths = np.bincount(owners[ok], minlength=n_e)
    indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return Prefs(indptr, mentors[ok]), rank[ok]


def stable_match(
    mentee_prefs: PrefsLike, mentor_prefs: PrefsLike, capacities: Sequence[int] | np.ndarray
) -> np.ndarray:
    """Mentor index per mentee (-1 if unmatched) of the mentee-optimal stable matching.

    A pair can only be matched if each lists the other. Lists are best first.
    """
    caps = np.asarray(capacities, dtype=np.int64)
    e_prefs, m_prefs = _as_prefs(mentee_prefs), _as_prefs(mentor_prefs)
    if len(m_prefs) != len(caps) or (caps < 0).any():
        raise ValueError("capacities must be one non-negative number per mentor")
    n_e = len(e_prefs)
    lists, mentor_rank = _mutual(e_prefs, m_prefs, len(caps))
    if caps.sum() == 0:
        return np.full(n_e, -1, dtype=np.int64)
    starts, ends = lists.indptr[:-1], lists.indptr[1:]
    offset = np.zeros(len(caps) + 1, dtype=np.int64)
    np.cumsum(caps, out=offset[1:])
    slot_rank = np.full(int(offset[-1]), _EMPTY, dtype=np.int64)  # sorted within a mentor
    slot_mentee = np.full(int(offset[-1]), -1, dtype=np.int64)
    last_slot = offset[1:] - 1  # a mentor's worst held slot (empty while not full)
    has_slots = caps > 0
    stride = n_e + 1  # ranks are < n_e; an empty slot sorts after every real rank
    bound = len(caps) * stride
    nxt = starts.copy()
    free = np.flatnonzero(ends > starts)
    while len(free):
        at = nxt[free]
        nxt[free] += 1
        mentors, ranks = lists.indices[at], mentor_rank[at]
        worst = np.where(has_slots[mentors], slot_rank[np.maximum(last_slot[mentors], 0)], -1)
        better = ranks < worst
        rejected = [free[~better]]
        free, mentors, ranks = free[better], mentors[better], ranks[better]
        if len(free):
            # Merge each touched mentor's held slots with its new proposals; keep the best.
            touched = np.unique(mentors)
            sizes = caps[touched]
            slot_ids = np.repeat(offset[touched] - np.cumsum(sizes) + sizes, sizes) + np.arange(
                int(sizes.sum())
            )
            all_mentor = np.concatenate([np.repeat(touched, sizes), mentors])
            all_rank = np.concatenate([slot_rank[slot_ids], ranks])
            all_mentee = np.concatenate([slot_mentee[slot_ids], free])
            order = _argsort(all_mentor * stride + np.minimum(all_rank, stride - 1), bound)
            all_mentor, all_rank, all_mentee = all_mentor[order], all_rank[order], all_mentee[order]
            group_start = np.searchsorted(all_mentor, all_mentor, side="left")
            place = np.arange(len(order)) - group_start
            kept = place < caps[all_mentor]
            target = offset[all_mentor[kept]] + place[kept]
            slot_rank[target] = all_rank[kept]
            slot_mentee[target] = all_mentee[kept]
            out = all_mentee[~kept]
            rejected.append(out[out >= 0])
        free = np.concatenate(rejected)
        free = free[nxt[free] < ends[free]]
    result = np.full(n_e, -1, dtype=np.int64)
    held = slot_mentee >= 0
    owner = np.repeat(np.arange(len(caps), dtype=np.int64), caps)
    result[slot_mentee[held]] = owner[held]
    return result


def blocking_pairs(
    assignment: np.ndarray,
    mentee_prefs: PrefsLike,
    mentor_prefs: PrefsLike,
    capacities: Sequence[int] | np.ndarray,
) -> list[tuple[int, int]]:
    """Every (mentee, mentor) pair that would rather be matched together, plus any assigned
    pair that is not mutually acceptable or over a capacity (reported as (mentee, mentor)).

    Written independently of `stable_match` (plain dictionaries), to check it.
    """
    caps = [int(c) for c in np.asarray(capacities)]
    e_lists = _as_prefs(mentee_prefs).to_lists()
    m_lists = _as_prefs(mentor_prefs).to_lists()
    m_rank = [{} for _ in m_lists]  # type: list[dict[int, int]]
    for m, lst in enumerate(m_lists):
        for r, e in enumerate(lst):
            m_rank[m].setdefault(e, r)
    held: list[list[int]] = [[] for _ in m_lists]
    bad: list[tuple[int, int]] = []
    for e, m in enumerate(np.asarray(assignment).tolist()):
        if m >= 0:
            if m not in e_lists[e] or e not in m_rank[m]:
                bad.append((e, m))
            held[m].append(e)
    for m, people in enumerate(held):
        if len(people) > caps[m]:
            bad.extend((e, m) for e in people[caps[m] :])
    worst = [
        max((m_rank[m].get(e, len(m_lists[m])) for e in people), default=-1)
        for m, people in enumerate(held)
    ]
    for e, lst in enumerate(e_lists):
        current = int(assignment[e])
        for m in lst:
            if m == current:
                break
            rank = m_rank[m].get(e)
            if rank is None:
                continue
            if len(held[m]) < caps[m] or rank < worst[m]:
                bad.append((e, m))
    return bad


def is_stable(
    assignment: np.ndarray,
    mentee_prefs: PrefsLike,
    mentor_prefs: PrefsLike,
    capacities: Sequence[int] | np.ndarray,
) -> bool:
    """True when the assignment is feasible and has no blocking pair."""
    return not blocking_pairs(assignment, mentee_prefs, mentor_prefs, capacities)


def prefs_from_scores(
    scores: sp.spmatrix | sp.sparray, mentor_scores: sp.spmatrix | sp.sparray | None = None
) -> tuple[Prefs, Prefs]:
    """Rank lists derived from scores: each mentee ranks its candidates by score, and each
    mentor ranks the mentees who listed it by `mentor_scores` (default the same scores).

    Ties are broken by index, so the lists (and the matching) are deterministic.
    """
    coo = sp.coo_matrix(scores)
    keep = np.isfinite(coo.data)
    rows, cols, data = (
        coo.row[keep].astype(np.int64),
        coo.col[keep].astype(np.int64),
        coo.data[keep],
    )
    n_e, n_m = coo.shape
    if mentor_scores is None:
        mdata = data
    else:
        lookup = sp.csr_matrix(mentor_scores)
        mdata = np.asarray(lookup[rows, cols]).reshape(-1) if len(rows) else data
    order = np.lexsort((cols, -data, rows))
    e_indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_e), out=e_indptr[1:])
    m_order = np.lexsort((rows, -mdata, cols))
    m_indptr = np.zeros(n_m + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=n_m), out=m_indptr[1:])
    return Prefs(e_indptr, cols[order]), Prefs(m_indptr, rows[m_order])
