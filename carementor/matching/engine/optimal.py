"""Cohort matching that maximises total compatibility, exactly, by min-cost flow.

The candidate graph is sparse (each mentee keeps its best candidates); OR-Tools solves the
flow network source → mentee (1) → mentor (score) → sink (capacity) exactly. Scores are
scaled to integers (about nine significant digits), so "exact" means exact for the scaled
scores: on ties closer than 1e-9 the solver may pick either. With `maximize_matched` the
solver first maximises how many mentees are matched, then the total score among those
assignments — the trade-off coordinators ask for.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

Pair = tuple[int, int]


class MatchingError(ValueError):
    """The inputs cannot be matched as given (bad shape, a locked pair over capacity …)."""


def _candidate_arcs(
    scores: sp.spmatrix | sp.sparray, forbidden: Iterable[Pair]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if sp.issparse(scores) and scores.format == "csr" and scores.has_canonical_format:
        # Sorted, no duplicates: the arcs are the stored entries as they are.
        csr = scores
        # Read-only views where possible: rows and columns stay 32-bit.
        rows = np.repeat(np.arange(csr.shape[0], dtype=np.int32), np.diff(csr.indptr))
        cols = csr.indices
        keep = np.isfinite(csr.data)
        data = csr.data.astype(np.float64)
        forbidden = list(forbidden)
        if forbidden:
            banned = np.array([e * csr.shape[1] + m for e, m in forbidden], dtype=np.int64)
            keep &= ~np.isin(rows.astype(np.int64) * csr.shape[1] + cols, banned)
        if keep.all():
            return rows, cols, data
        return rows[keep], cols[keep], data[keep]
    coo = sp.coo_matrix(scores)
    rows, cols, data = (
        coo.row.astype(np.int64),
        coo.col.astype(np.int64),
        coo.data.astype(np.float64),
    )
    keep = np.isfinite(data)
    forbidden = list(forbidden)
    if forbidden:
        banned = np.array([e * coo.shape[1] + m for e, m in forbidden], dtype=np.int64)
        keep &= ~np.isin(rows * coo.shape[1] + cols, banned)
    rows, cols, data = rows[keep], cols[keep], data[keep]
    # Duplicated entries would be summed by SciPy; keep one arc per pair, the last given.
    key = rows * coo.shape[1] + cols
    _, first = np.unique(key[::-1], return_index=True)
    pick = len(key) - 1 - first
    return rows[pick], cols[pick], data[pick]


def optimal_match(
    scores: sp.spmatrix | sp.sparray,
    capacities: np.ndarray | Iterable[int],
    *,
    maximize_matched: bool = False,
    locked: Iterable[Pair] = (),
    forbidden: Iterable[Pair] = (),
    timings: dict[str, float] | None = None,
) -> np.ndarray:
    """Mentor index per mentee (-1 unmatched) maximising the total score.

    `scores` is a mentees x mentors sparse matrix whose stored entries are the candidate
    pairs (non-finite entries are ignored). `locked` pairs are kept as given (they use up
    capacity); `forbidden` pairs are never used. Deterministic for the same input.
    `timings`, if given, receives the seconds spent building and solving the network.
    """
    n_e, n_m = scores.shape
    caps = np.asarray(
        list(capacities) if not isinstance(capacities, np.ndarray) else capacities, dtype=np.int64
    )
    if caps.shape != (n_m,) or (caps < 0).any():
        raise MatchingError("capacities must be one non-negative number per mentor")
    result = np.full(n_e, -1, dtype=np.int64)
    caps = caps.copy()
    for e, m in locked:
        if not (0 <= e < n_e and 0 <= m < n_m) or result[e] >= 0:
            raise MatchingError(f"locked pair ({e}, {m}) is out of range or repeats a mentee")
        if caps[m] <= 0:
            raise MatchingError(f"locked pairs exceed mentor {m}'s capacity")
        result[e] = m
        caps[m] -= 1
    rows, cols, data = _candidate_arcs(scores, forbidden)
    free = (result[rows] < 0) & (caps[cols] > 0)
    if not free.all():
        rows, cols, data = rows[free], cols[free], data[free]
    if len(rows) == 0:
        return result
    chosen = _solve(rows, cols, data, caps, n_e, n_m, maximize_matched, timings)
    result[rows[chosen]] = cols[chosen]
    return result


def _compact(ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(ids, return_inverse=True)` for ids in [0, size), without sorting."""
    present = np.bincount(ids, minlength=size) > 0
    if present.all():
        return np.arange(size), ids
    local = np.cumsum(present) - 1
    return np.flatnonzero(present), local[ids]


def _solve(
    rows: np.ndarray,
    cols: np.ndarray,
    data: np.ndarray,
    caps: np.ndarray,
    n_e: int,
    n_m: int,
    maximize_matched: bool,
    timings: dict[str, float] | None = None,
) -> np.ndarray:
    started = time.perf_counter()
    # Only people with an arc enter the network: fewer nodes, larger safe cost scale.
    mentees, e_local = _compact(rows, n_e)
    mentors, m_local = _compact(cols, n_m)
    ne, nm = len(mentees), len(mentors)
    sink = ne + nm
    nodes = ne + nm + 1
    # OR-Tools' cost scaling multiplies costs by the node count; stay far from overflow.
    span = float(np.max(np.abs(data))) if len(data) else 1.0
    limit = (1 << 62) // (nodes + 1) // 4
    scale = min(1 << 30, limit) / max(span, 1e-12)
    # Each mentee is a supply of one unit and the sink takes them all: mentee → mentor
    # (score) → sink (capacity), and a bypass per mentee to the sink (cost 0) lets them
    # stay unmatched when no pairing adds score. The arrays are filled in place (pairs
    # first, so arc i is pair i), sparing several copies of five million arcs.
    n_arcs = len(rows)
    bypass = 0 if maximize_matched else ne
    total = n_arcs + nm + bypass
    tails = np.empty(total, dtype=np.int32)
    heads = np.empty(total, dtype=np.int32)
    capacity = np.ones(total, dtype=np.int64)
    costs = np.zeros(total, dtype=np.int64)
    tails[:n_arcs] = e_local
    np.add(m_local, ne, out=heads[:n_arcs], casting="unsafe")
    scaled = np.multiply(data, -scale, dtype=np.float64)
    np.rint(scaled, out=scaled)
    costs[:n_arcs] = scaled
    del scaled
    tails[n_arcs : n_arcs + nm] = np.arange(ne, ne + nm)
    heads[n_arcs:] = sink
    capacity[n_arcs : n_arcs + nm] = caps[mentors]
    tails[n_arcs + nm :] = np.arange(bypass)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacity, costs)
    supplies = np.ones(nodes, dtype=np.int64)
    supplies[ne:] = 0
    supplies[sink] = -ne
    flow.set_nodes_supplies(np.arange(nodes, dtype=np.int32), supplies)
    solving = time.perf_counter()
    # Without a bypass the supply may not all fit: push the most flow, at least cost.
    status = flow.solve_max_flow_with_min_cost() if maximize_matched else flow.solve()
    if status != flow.OPTIMAL:
        raise MatchingError(f"min-cost flow failed: {status}")
    solved = time.perf_counter()
    chosen = np.flatnonzero(flow.flows(np.arange(len(rows), dtype=np.int32)) > 0)
    if timings is not None:
        timings["flow_network"] = solving - started
        timings["flow_solve"] = solved - solving
        timings["flow_read"] = time.perf_counter() - solved
    return chosen


def greedy_match(
    scores: sp.spmatrix | sp.sparray, capacities: np.ndarray | Iterable[int]
) -> np.ndarray:
    """Best pair first while places last: a baseline, never the engine's result."""
    n_e, _ = scores.shape
    caps = np.array(
        list(capacities) if not isinstance(capacities, np.ndarray) else capacities, dtype=np.int64
    )
    rows, cols, data = _candidate_arcs(scores, ())
    order = np.lexsort((cols, rows, -data))
    result = np.full(n_e, -1, dtype=np.int64)
    for i in order:
        e, m = rows[i], cols[i]
        if result[e] < 0 and caps[m] > 0:
            result[e] = m
            caps[m] -= 1
    return result


def dense_reference(
    scores: np.ndarray, capacities: np.ndarray | Iterable[int]
) -> tuple[np.ndarray, float]:
    """The optimum by SciPy's Hungarian solver on the capacity-expanded dense matrix.

    Non-finite scores mark non-candidates. For tests and benchmarks on small instances.
    """
    caps = np.asarray(
        list(capacities) if not isinstance(capacities, np.ndarray) else capacities, dtype=np.int64
    )
    slots = np.repeat(np.arange(len(caps)), caps)
    n_e = scores.shape[0]
    expanded = np.asarray(scores, dtype=np.float64)[:, slots]
    finite = np.isfinite(expanded)
    # Every mentee also gets a zero-score "unmatched" column, so that nobody is forced into
    # a pair; a non-candidate then costs more than staying unmatched ever could.
    floor = -(np.abs(expanded[finite]).sum() + 1.0) if finite.any() else -1.0
    padded = np.hstack([np.where(finite, expanded, floor), np.zeros((n_e, n_e))])
    rows, cols = linear_sum_assignment(padded, maximize=True)
    result = np.full(n_e, -1, dtype=np.int64)
    real = cols < len(slots)
    rows, cols = rows[real], cols[real]
    usable = finite[rows, cols]
    result[rows[usable]] = slots[cols[usable]]
    return result, total_score(scores, result)


def total_score(scores: np.ndarray | sp.spmatrix | sp.sparray, assignment: np.ndarray) -> float:
    """Sum of the scores of the assigned pairs."""
    matched = np.flatnonzero(assignment >= 0)
    if len(matched) == 0:
        return 0.0
    if sp.issparse(scores):
        values = np.asarray(sp.csr_matrix(scores)[matched, assignment[matched]]).reshape(-1)
    else:
        values = np.asarray(scores)[matched, assignment[matched]]
    return float(np.sum(values, dtype=np.float64))
