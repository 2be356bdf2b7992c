"""Peer matching within one pool: a maximum-weight matching of a general graph.

1. The fractional relaxation (each person in at most one pair, fractions allowed) is solved
   exactly as an assignment on the graph's bipartite double cover by min-cost flow. Its
   value is an upper bound on any matching, and its support is a set of disjoint paths and
   cycles.
2. Rounding keeps the better alternate edges of each path and cycle, then greedily pairs
   who is left. The gap to the bound is measured, so the result carries a certificate.
3. If the gap is not zero and the pool is at most `exact_limit` people, CP-SAT finishes
   the job exactly (starting from the rounded matching); beyond that the rounded matching
   is returned with its measured gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model

from carementor.matching.engine.optimal import optimal_match

SCALE = 1_000_000  # CP-SAT needs integer weights: six decimal places


@dataclass(frozen=True, slots=True)
class PeerResult:
    partner: np.ndarray  # partner index per person, -1 unpaired
    total: float  # sum of the scores of the pairs
    upper_bound: float  # no matching can score more
    exact: bool  # proven optimal

    @property
    def gap(self) -> float:
        """Relative distance to the bound (0 when optimal)."""
        return 0.0 if self.upper_bound <= 0 else max(0.0, 1.0 - self.total / self.upper_bound)


def _edges(scores: sp.spmatrix | sp.sparray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected edges (i < j) with the best finite positive score given for either order."""
    coo = sp.coo_matrix(scores)
    keep = np.isfinite(coo.data) & (coo.data > 0) & (coo.row != coo.col)
    i, j, w = (
        coo.row[keep].astype(np.int64),
        coo.col[keep].astype(np.int64),
        coo.data[keep].astype(np.float64),
    )
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    n = coo.shape[0]
    key = lo * n + hi
    order = np.lexsort((-w, key))
    key, lo, hi, w = key[order], lo[order], hi[order], w[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return lo[first], hi[first], w[first]


def _pair_total(partner: np.ndarray, weight: dict[tuple[int, int], float]) -> float:
    return float(sum(weight[(i, int(p))] for i, p in enumerate(partner) if p > i))


def peer_match(
    scores: sp.spmatrix | sp.sparray, *, exact_limit: int = 3000, time_limit: float = 60.0
) -> PeerResult:
    """Pair people of one pool maximising the total score.

    `scores` is square; a stored finite positive entry (i, j) makes i and j candidates
    (the larger of (i, j) and (j, i) counts). Deterministic for the same input.
    """
    n = scores.shape[0]
    if scores.shape != (n, n):
        raise ValueError("peer scores must be a square matrix")
    lo, hi, w = _edges(scores)
    partner = np.full(n, -1, dtype=np.int64)
    if len(w) == 0:
        return PeerResult(partner, 0.0, 0.0, True)
    weight = {(int(a), int(b)): float(c) for a, b, c in zip(lo, hi, w, strict=True)}
    # Bipartite double cover: left copy of every person, right copy of every person.
    cover = sp.coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([lo, hi]), np.concatenate([hi, lo]))), shape=(n, n)
    )
    successor = optimal_match(cover.tocsr(), np.ones(n, dtype=np.int64))
    upper = (
        float(
            sum(weight[(min(i, int(j)), max(i, int(j)))] for i, j in enumerate(successor) if j >= 0)
        )
        / 2
    )
    partner = _round(successor, weight)
    _greedy_fill(partner, lo, hi, w)
    total = _pair_total(partner, weight)
    if upper - total <= 1e-9 * max(1.0, upper):
        return PeerResult(partner, total, upper, True)
    if n > exact_limit:
        return PeerResult(partner, total, upper, False)
    exact, proven = _cp_sat(n, lo, hi, w, partner, time_limit)
    total = _pair_total(exact, weight)
    return PeerResult(exact, total, total if proven else upper, proven)


def _round(successor: np.ndarray, weight: dict[tuple[int, int], float]) -> np.ndarray:
    """A matching from the double cover's paths and cycles: the better alternate edges."""
    n = len(successor)
    predecessor = np.full(n, -1, dtype=np.int64)
    has = successor >= 0
    predecessor[successor[has]] = np.flatnonzero(has)
    partner = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)

    def w(a: int, b: int) -> float:
        return weight[(min(a, b), max(a, b))]

    # Start paths at their first person, then walk the remaining cycles.
    starts = [i for i in range(n) if predecessor[i] < 0 and successor[i] >= 0]
    starts += list(range(n))
    for start in starts:
        if seen[start] or successor[start] < 0:
            continue
        walk = [start]
        seen[start] = True
        nxt = int(successor[start])
        while nxt >= 0 and not seen[nxt]:
            walk.append(nxt)
            seen[nxt] = True
            nxt = int(successor[nxt])
        cycle = nxt == start
        edges = [(walk[k], walk[k + 1]) for k in range(len(walk) - 1)]
        if cycle:
            edges.append((walk[-1], walk[0]))
        if len(edges) == 2 and cycle:  # a 2-cycle is one pair chosen both ways
            partner[walk[0]], partner[walk[1]] = walk[1], walk[0]
            continue
        if cycle and len(edges) % 2 == 1:
            # Odd cycle: every choice of the one person left out, (L - 1) / 2 edges each.
            size = len(edges)
            options = [[edges[(s + 2 * t) % size] for t in range(size // 2)] for s in range(size)]
        else:
            options = [edges[0::2], edges[1::2]]
        best = max(options, key=lambda chosen: sum(w(a, b) for a, b in chosen))
        for a, b in best:
            partner[a], partner[b] = b, a
    return partner


def _greedy_fill(partner: np.ndarray, lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> None:
    for k in np.lexsort((hi, lo, -w)):
        a, b = int(lo[k]), int(hi[k])
        if partner[a] < 0 and partner[b] < 0:
            partner[a], partner[b] = b, a


def _cp_sat(
    n: int, lo: np.ndarray, hi: np.ndarray, w: np.ndarray, hint: np.ndarray, time_limit: float
) -> tuple[np.ndarray, bool]:
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"e{k}") for k in range(len(w))]
    touching: list[list[int]] = [[] for _ in range(n)]
    for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        touching[a].append(k)
        touching[b].append(k)
        model.add_hint(x[k], bool(hint[a] == b))
    for ks in touching:
        if len(ks) > 1:
            model.add_at_most_one(x[k] for k in ks)
    model.maximize(sum(round(c * SCALE) * x[k] for k, c in enumerate(w.tolist())))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1  # deterministic
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, False
    partner = np.full(n, -1, dtype=np.int64)
    for k in range(len(w)):
        if solver.value(x[k]):
            partner[lo[k]], partner[hi[k]] = hi[k], lo[k]
    return partner, status == cp_model.OPTIMAL
