"""A coordinator's run: score a cohort, keep each mentee's best candidates, then match.

`candidates` scores mentees against every mentor block by block (exactly, with the same
tables as a single suggestion) and keeps each mentee's k best eligible mentors as a sparse
graph. `match_cohort` then runs either matcher on that graph and reports which it used.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from carementor.matching.engine import kernels
from carementor.matching.engine.encode import Population
from carementor.matching.engine.optimal import optimal_match, total_score
from carementor.matching.engine.program import ProgramSettings
from carementor.matching.engine.scoring import Scorer
from carementor.matching.engine.stable import prefs_from_scores, stable_match

Mode = Literal["optimal", "stable"]
Progress = Callable[[int, int], None]


def top_per_row(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each row's k highest finite scores (ties: lower column first)."""
    n_rows, n = scores.shape
    if k >= n:
        every_row, every_col = np.nonzero(np.isfinite(scores))
        return every_row, every_col
    threshold = np.partition(scores, n - k, axis=1)[:, n - k]
    rows, cols = np.nonzero(scores >= threshold[:, None])
    values = scores[rows, cols]
    finite = np.isfinite(values)
    rows, cols, values = rows[finite], cols[finite], values[finite]
    if len(rows) and np.bincount(rows, minlength=n_rows).max() > k:
        # Ties at the threshold let some rows keep more than k (even when other rows have
        # fewer than k finite scores): trim them, best first.
        order = np.lexsort((cols, -values, rows))
        rows, cols = rows[order], cols[order]
        place = np.arange(len(rows)) - np.searchsorted(rows, rows)
        rows, cols = rows[place < k], cols[place < k]
    return rows, cols


Part = tuple[np.ndarray, np.ndarray, np.ndarray]


def _score_range(
    scorer: Scorer, k: int, block: int, lo: int, hi: int, progress: Progress | None, scale: int
) -> Part:
    n_e, n_m = scorer.a.n, scorer.b.n
    buffer = np.empty(block * n_m, dtype=np.float32)
    parts: list[Part] = []
    for start in range(lo, hi, block):
        es = np.arange(start, min(start + block, hi))
        scores = scorer.block(es, buffer)
        rows, cols = top_per_row(scores, k)
        parts.append((es[rows], cols, scores[rows, cols]))
        if progress:
            progress(min(n_e, (min(start + block, hi) - lo) * scale + lo), n_e)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    rows, cols, vals = (np.concatenate(x) for x in zip(*parts, strict=True))
    return rows, cols, vals


def _range_in_child(
    scorer: Scorer,
    k: int,
    block: int,
    lo: int,
    hi: int,
    progress: Progress | None,
    scale: int,
    pipe: Any,
) -> None:
    pipe.send(_score_range(scorer, k, block, lo, hi, progress, scale))
    pipe.close()


def candidates(
    scorer: Scorer,
    k: int = 50,
    *,
    block: int = 32,
    workers: int = 2,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> sp.csr_matrix:
    """Each mentee's k best eligible mentors and their scores (mentees x mentors, sparse).

    Exact: every pair is scored, a block of mentees at a time (small blocks keep the
    scores in cache). Large cohorts are split across `workers` forked processes, which
    share the encoded arrays copy-on-write; NumPy's many short calls would serialise
    threads on the GIL. `timings`, if given, receives the seconds of each phase.
    """
    n_e, n_m = scorer.a.n, scorer.b.n
    started = time.perf_counter()
    scorer.prepare()
    if timings is not None:
        timings["prepare_tables"] = time.perf_counter() - started
    if kernels.enabled():
        return _candidates_compiled(scorer, k, progress, timings)
    parallel = (
        workers > 1
        and n_e * n_m >= 20_000_000
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not parallel:
        parts = [_score_range(scorer, k, block, 0, n_e, progress, 1)]
    else:
        context = multiprocessing.get_context("fork")
        bounds = np.linspace(0, n_e, workers + 1).astype(int)
        children = []
        for w in range(workers):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(
                target=_range_in_child,
                args=(
                    scorer,
                    k,
                    block,
                    bounds[w],
                    bounds[w + 1],
                    progress if w == 0 else None,
                    workers,
                    send,
                ),
            )
            child.start()
            send.close()
            children.append((child, receive))
        parts = []
        for child, receive in children:
            parts.append(receive.recv())
            child.join()
            if child.exitcode != 0:
                raise RuntimeError("a scoring worker failed")
    rows, cols, vals = (np.concatenate(x) for x in zip(*parts, strict=True))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(n_e, n_m), dtype=np.float32)
    matrix.sort_indices()
    return matrix


def _candidates_compiled(
    scorer: Scorer, k: int, progress: Progress | None, timings: dict[str, float] | None = None
) -> sp.csr_matrix:
    """`candidates` by the fused loop: every pair scored, only each mentee's best k kept."""
    clock = time.perf_counter
    started = clock()
    t, a, b = scorer.tables(), scorer.a, scorer.b
    n_e, n_m = a.n, b.n
    k = max(0, min(k, n_m))
    banned = [scorer.excluded(e) for e in range(n_e)]
    ban_indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum([len(x) for x in banned], out=ban_indptr[1:])
    ban_rows = np.concatenate(banned) if n_e else np.zeros(0, dtype=np.int64)
    queries = a.text_matrix()
    postings = b.cached("text_by_term", lambda: b.text_matrix().T.tocsr())
    out_cols = np.zeros((n_e, max(k, 1)), dtype=np.int64)
    out_vals = np.zeros((n_e, max(k, 1)), dtype=np.float32)
    out_count = np.zeros(n_e, dtype=np.int64)
    scoring = clock()
    if k > 0 and n_m > 0:
        step = 4096
        for lo in range(0, n_e, step):
            hi = min(n_e, lo + step)
            kernels.block_top_k(
                np.arange(lo, hi, dtype=np.int64),
                k,
                t.static[:n_m],
                (t.block, t.specialty, t.language, t.schedule, t.meeting),
                (a.block, a.specialty_set, a.language_set, a.hours_code, a.meeting),
                (b.block, b.specialty_set, b.language_set, b.hours_code, b.meeting),
                a.levels,
                a.targets,
                b.levels,
                t.zpd,
                t.targets_count,
                t.total_weight,
                queries.indptr,
                queries.indices,
                queries.data,
                postings.indptr,
                postings.indices,
                postings.data,
                np.float32(scorer.settings.weights.goals),
                ban_indptr[lo : hi + 1] - ban_indptr[lo],
                ban_rows[ban_indptr[lo] : ban_indptr[hi]],
                out_cols[lo:hi],
                out_vals[lo:hi],
                out_count[lo:hi],
            )
            if progress:
                progress(hi, n_e)
    graph = clock()
    # Rows come best first with distinct columns: lay them out as CSR directly (no COO
    # round trip), then sort each row's columns.
    keep = np.arange(out_cols.shape[1])[None, :] < out_count[:, None]
    indptr = np.zeros(n_e + 1, dtype=np.int64)
    np.cumsum(out_count, out=indptr[1:])
    matrix = sp.csr_matrix(
        (out_vals[keep], out_cols[keep].astype(np.int32), indptr), shape=(n_e, n_m)
    )
    matrix.sort_indices()
    if timings is not None:
        timings["exclusions_and_arrays"] = scoring - started
        timings["scoring_and_top_k"] = graph - scoring
        timings["candidate_graph"] = clock() - graph
    return matrix


@dataclass
class CohortResult:
    mode: Mode
    assignment: np.ndarray  # mentor row per mentee row, -1 unmatched
    scores: np.ndarray  # the assigned pair's score per mentee, NaN if unmatched
    candidates: sp.csr_matrix
    seconds: dict[str, float] = field(default_factory=dict)
    # Finer timings inside `seconds` (scoring, network build, solve …), for benchmarks.
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return int((self.assignment >= 0).sum())

    @property
    def total_score(self) -> float:
        return float(np.nansum(self.scores, dtype=np.float64))


def match_cohort(
    mentees: Population,
    mentors: Population,
    settings: ProgramSettings | None = None,
    *,
    mode: Mode = "optimal",
    k: int = 50,
    maximize_matched: bool = False,
    capacities: np.ndarray | None = None,
    locked: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
) -> CohortResult:
    """Match a cohort. Pairs are given by keys; capacities default to free places.

    Locked pairs are kept as given (and use up capacity) even if a rule or the candidate
    list would not have proposed them; forbidden pairs are never proposed.
    """
    clock = time.perf_counter
    seconds: dict[str, float] = {}
    phases: dict[str, float] = {}
    started = clock()
    scorer = Scorer(mentees, mentors, settings)
    graph = candidates(scorer, k, progress=progress, timings=phases)
    seconds["candidates"] = clock() - started
    caps = np.maximum(mentors.spare(), 0) if capacities is None else np.asarray(capacities)
    lock = [(mentees.row_of[e], mentors.row_of[m]) for e, m in locked]
    ban = [
        (mentees.row_of[e], mentors.row_of[m])
        for e, m in forbidden
        if e in mentees.row_of and m in mentors.row_of
    ]
    started = clock()
    if mode == "optimal":
        assignment = optimal_match(
            graph,
            caps,
            maximize_matched=maximize_matched,
            locked=lock,
            forbidden=ban,
            timings=phases,
        )
    else:
        assignment = _stable_with_locks(graph, caps, lock, ban)
    seconds["match"] = clock() - started
    matched = np.flatnonzero(assignment >= 0)
    pair_scores = np.full(len(assignment), np.nan)
    if len(matched):
        pair_scores[matched] = scorer.pairs(matched, assignment[matched])
    return CohortResult(mode, assignment, pair_scores, graph, seconds, phases)


def _stable_with_locks(
    graph: sp.csr_matrix,
    caps: np.ndarray,
    locked: list[tuple[int, int]],
    forbidden: list[tuple[int, int]],
) -> np.ndarray:
    caps = np.asarray(caps, dtype=np.int64).copy()
    coo = graph.tocoo()
    keep = np.ones(coo.nnz, dtype=bool)
    locked_mentees = {e for e, _ in locked}
    if locked_mentees:
        keep &= ~np.isin(coo.row, list(locked_mentees))
    if forbidden:
        banned = np.array([e * graph.shape[1] + m for e, m in forbidden], dtype=np.int64)
        keep &= ~np.isin(coo.row.astype(np.int64) * graph.shape[1] + coo.col, banned)
    for _, m in locked:
        caps[m] -= 1
    if (caps < 0).any():
        raise ValueError("locked pairs exceed a mentor's capacity")
    pruned = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=graph.shape)
    mentee_prefs, mentor_prefs = prefs_from_scores(pruned)
    assignment = stable_match(mentee_prefs, mentor_prefs, caps)
    for e, m in locked:
        assignment[e] = m
    return assignment


__all__ = ["CohortResult", "candidates", "match_cohort", "total_score"]
