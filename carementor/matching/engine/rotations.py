"""Speed-mentoring rotations: R rounds, a different partner every round, no repeats.

Choosing which pairs meet is a maximum-weight b-matching (each person meets at most R
others, each pair at most once), solved exactly by min-cost flow: first as many meetings as
possible, then the highest total compatibility. By König's theorem a bipartite graph whose
people each have at most R meetings can be split into R rounds in which nobody meets two
people at once, so the schedule reaches that optimum; `_colour` does the split with
alternating-path recolouring. Anyone with fewer than R meetings has breaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow

SCALE = 1 << 30


@dataclass(frozen=True, slots=True)
class Rotation:
    rounds: list[list[tuple[int, int]]]  # per round, the (mentor, mentee) pairs that meet
    total: float  # sum of the scores of every meeting

    def breaks(self, n_mentors: int, n_mentees: int) -> list[tuple[list[int], list[int]]]:
        """Per round, the mentors and the mentees who sit out."""
        result = []
        for pairs in self.rounds:
            busy_m = {m for m, _ in pairs}
            busy_e = {e for _, e in pairs}
            result.append(
                (
                    [m for m in range(n_mentors) if m not in busy_m],
                    [e for e in range(n_mentees) if e not in busy_e],
                )
            )
        return result


def speed_rounds(scores: np.ndarray | sp.spmatrix | sp.sparray, rounds: int) -> Rotation:
    """Schedule `rounds` rounds between mentors (rows) and mentees (columns).

    Non-finite or missing entries mark pairs that must not meet. Deterministic.
    """
    if rounds < 1:
        raise ValueError("at least one round is needed")
    coo = sp.coo_matrix(scores)
    if not sp.issparse(scores):
        dense = np.asarray(scores, dtype=np.float64)
        r, c = np.nonzero(np.isfinite(dense))
        coo = sp.coo_matrix((dense[r, c], (r, c)), shape=dense.shape)
    keep = np.isfinite(coo.data)
    rows, cols, data = (
        coo.row[keep].astype(np.int64),
        coo.col[keep].astype(np.int64),
        coo.data[keep],
    )
    n_m, n_e = coo.shape
    if len(rows) == 0:
        return Rotation([[] for _ in range(rounds)], 0.0)
    source, sink = n_m + n_e, n_m + n_e + 1
    span = max(float(np.max(np.abs(data))), 1e-12)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(n_m, source), rows, n_m + np.arange(n_e)]).astype(np.int32),
        np.concatenate([np.arange(n_m), n_m + cols, np.full(n_e, sink)]).astype(np.int32),
        np.concatenate([np.full(n_m, rounds), np.ones(len(rows)), np.full(n_e, rounds)]).astype(
            np.int64
        ),
        np.concatenate([np.zeros(n_m), -np.rint(data / span * SCALE), np.zeros(n_e)]).astype(
            np.int64
        ),
    )
    supplies = np.zeros(n_m + n_e + 2, dtype=np.int64)
    supplies[source], supplies[sink] = rounds * n_m, -rounds * n_m
    flow.set_nodes_supplies(np.arange(n_m + n_e + 2, dtype=np.int32), supplies)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise ValueError("could not schedule the rounds")
    used = np.flatnonzero(flow.flows(np.arange(n_m, n_m + len(rows), dtype=np.int32)) > 0)
    meetings = [(int(rows[k]), int(cols[k])) for k in used]
    coloured = _colour(meetings, rounds)
    schedule = [
        sorted(pair for pair, colour in coloured.items() if colour == r) for r in range(rounds)
    ]
    total = float(np.sum(data[used], dtype=np.float64))
    return Rotation(schedule, total)


def _colour(edges: list[tuple[int, int]], colours: int) -> dict[tuple[int, int], int]:
    """Colour a bipartite graph of maximum degree ≤ `colours` properly with that many colours."""
    size_m = max((m for m, _ in edges), default=-1) + 1
    size_e = max((e for _, e in edges), default=-1) + 1
    at_mentor: list[dict[int, int]] = [{} for _ in range(size_m)]  # colour → mentee
    at_mentee: list[dict[int, int]] = [{} for _ in range(size_e)]  # colour → mentor
    for m, e in edges:
        a = next(c for c in range(colours) if c not in at_mentor[m])
        b = next(c for c in range(colours) if c not in at_mentee[e])
        if a not in at_mentee[e]:
            chosen = a
        else:
            # Flip the a/b alternating path that starts at mentee e; it cannot reach m.
            path: list[tuple[int, int]] = []
            side, node, colour = "e", e, a
            while True:
                table = at_mentee if side == "e" else at_mentor
                other = table[node].get(colour)
                if other is None:
                    break
                path.append((node, other) if side == "m" else (other, node))
                side, node = ("m", other) if side == "e" else ("e", other)
                colour = b if colour == a else a
            for mm, ee in path:
                old = next(c for c, x in at_mentor[mm].items() if x == ee and c in (a, b))
                del at_mentor[mm][old]
                del at_mentee[ee][old]
            for index, (mm, ee) in enumerate(path):
                new = b if index % 2 == 0 else a
                at_mentor[mm][new] = ee
                at_mentee[ee][new] = mm
            chosen = a
        at_mentor[m][chosen] = e
        at_mentee[e][chosen] = m
    return {(m, e): c for m, table in enumerate(at_mentor) for c, e in table.items()}
