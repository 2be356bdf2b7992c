"""Fused scoring loops compiled with Numba, when it is installed (an optional accelerator).

NumPy runs one array operation at a time, so a scored pair costs ~25-30 ns (ten gathers,
each a pass over memory). These loops do the whole score of a pair in registers — the same
tables, the same float32 additions in the same order as `scoring` — and, for cohorts,
keep each mentee's best k in a small heap while scanning, so the (mentees x mentors)
block is never written. They run on every core (`prange`). Without Numba (or with
`CAREMENTOR_NUMBA=0`) the scorer falls back to its NumPy path; the tests check that both
give the same scores.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

try:  # pragma: no cover - depends on the environment
    import numba
    from numba import njit, prange

    AVAILABLE = True
except ImportError:  # pragma: no cover
    AVAILABLE = False

ENABLED = AVAILABLE and os.environ.get("CAREMENTOR_NUMBA", "1") != "0"


def enabled() -> bool:
    """Whether the compiled path is used (tests switch `ENABLED` to compare both paths)."""
    return ENABLED


if AVAILABLE:

    def _score_one(
        out: np.ndarray,
        static: np.ndarray,
        t0: np.ndarray,
        t1: np.ndarray,
        t2: np.ndarray,
        t3: np.ndarray,
        t4: np.ndarray,
        c0: np.ndarray,
        c1: np.ndarray,
        c2: np.ndarray,
        c3: np.ndarray,
        c4: np.ndarray,
        comp_rows: np.ndarray,
        comp_ids: np.ndarray,
        levels: np.ndarray,
        cosine: np.ndarray,
        goals_weight: np.float32,
        total: np.float32,
    ) -> None:
        """One mentee against mentors 0 … len(out): the score of `Scorer.scores`."""
        n = out.shape[0]
        n_comp = comp_ids.shape[0]
        has_text = cosine.shape[0] > 0
        chunk = 8192
        for ch in prange((n + chunk - 1) // chunk):
            lo = ch * chunk
            hi = min(n, lo + chunk)
            for m in range(lo, hi):
                # Unsigned indices: no negative-index check per gather (see block_top_k).
                um = np.uint64(m)
                s = static[um]
                s += t0[np.uint32(c0[um])]
                s += t1[np.uint32(c1[um])]
                s += t2[np.uint32(c2[um])]
                s += t3[np.uint32(c3[um])]
                s += t4[np.uint32(c4[um])]
                for j in range(n_comp):
                    uj = np.uint64(j)
                    s += comp_rows[uj, levels[np.uint64(comp_ids[uj]), um]]
                if has_text:
                    gain = min(2.0 * cosine[um], 1.0)
                    s += goals_weight * np.float32(gain)
                s = s / total
                if s > np.float32(1.0):
                    s = np.float32(1.0)
                out[um] = s

    # Waking the second thread costs more than it saves below a few hundred thousand
    # mentors, and on a busy machine it can wait a whole scheduler slice.
    score_one_serial = njit(cache=True, nogil=True)(_score_one)
    score_one_parallel = njit(parallel=True, cache=True, nogil=True)(_score_one)

    @njit(cache=True, nogil=True)
    def accumulate_text(
        cosine: np.ndarray,
        indptr: np.ndarray,
        indices: np.ndarray,
        data: np.ndarray,
        ids: np.ndarray,
        weights: np.ndarray,
    ) -> None:
        """cosine[m] += q_t x w_tm over the posting lists of the query's terms, in order."""
        for j in range(ids.shape[0]):
            t = ids[j]
            q = np.float64(weights[j])
            for p in range(indptr[t], indptr[t + 1]):
                cosine[indices[p]] += data[p] * q

    @njit(cache=True, nogil=True)
    def _insert(
        best_v: np.ndarray, best_c: np.ndarray, count: int, k: int, v: np.float32, c: int
    ) -> int:
        """Insert (v, c) into a list sorted by score desc, then column asc (c is largest)."""
        if count == k:
            if not v > best_v[k - 1]:
                return count
            pos = k - 1
        else:
            pos = count
            count += 1
        while pos > 0 and best_v[pos - 1] < v:
            best_v[pos] = best_v[pos - 1]
            best_c[pos] = best_c[pos - 1]
            pos -= 1
        best_v[pos] = v
        best_c[pos] = c
        return count

    @njit(cache=True, nogil=True)
    def select(scores: np.ndarray, k: int) -> np.ndarray:
        """Positions of the k highest finite scores, best first, ties by position."""
        best_v = np.empty(max(k, 1), dtype=np.float32)
        best_c = np.empty(max(k, 1), dtype=np.int64)
        count = 0
        for m in range(scores.shape[0]):
            v = scores[m]
            if np.isfinite(v):
                count = _insert(best_v, best_c, count, k, np.float32(v), m)
        return best_c[:count].copy()

    @njit(cache=True, nogil=True, inline="always")
    def _worse(v1: np.float32, c1: int, v2: np.float32, c2: int) -> bool:
        """Whether (v1, c1) ranks below (v2, c2): a lower score, or the same and a later column."""
        return bool(v1 < v2 or (v1 == v2 and c1 > c2))

    @njit(cache=True, nogil=True)
    def _heap_down(heap_v: np.ndarray, heap_c: np.ndarray, size: int) -> None:
        """Restore the heap (worst entry at the root) after its root was replaced."""
        v = heap_v[0]
        c = heap_c[0]
        pos = 0
        while True:
            child = 2 * pos + 1
            if child >= size:
                break
            other = child + 1
            if other < size and _worse(heap_v[other], heap_c[other], heap_v[child], heap_c[child]):
                child = other
            if not _worse(heap_v[child], heap_c[child], v, c):
                break
            heap_v[pos] = heap_v[child]
            heap_c[pos] = heap_c[child]
            pos = child
        heap_v[pos] = v
        heap_c[pos] = c

    @njit(cache=True, nogil=True)
    def _heap_up(heap_v: np.ndarray, heap_c: np.ndarray, pos: int) -> None:
        """Restore the heap after appending at `pos`."""
        v = heap_v[pos]
        c = heap_c[pos]
        while pos > 0:
            parent = (pos - 1) // 2
            if not _worse(v, c, heap_v[parent], heap_c[parent]):
                break
            heap_v[pos] = heap_v[parent]
            heap_c[pos] = heap_c[parent]
            pos = parent
        heap_v[pos] = v
        heap_c[pos] = c

    @njit(parallel=True, cache=True, nogil=True)
    def block_top_k(
        es: np.ndarray,
        k: int,
        static: np.ndarray,
        tables: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        a_codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        b_codes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        a_levels: np.ndarray,
        a_targets: np.ndarray,
        b_levels: np.ndarray,
        zpd: np.ndarray,
        targets_count: np.ndarray,
        total_weight: np.ndarray,
        q_indptr: np.ndarray,
        q_indices: np.ndarray,
        q_data: np.ndarray,
        p_indptr: np.ndarray,
        p_indices: np.ndarray,
        p_data: np.ndarray,
        goals_weight: np.float32,
        ban_indptr: np.ndarray,
        ban_rows: np.ndarray,
        out_cols: np.ndarray,
        out_vals: np.ndarray,
        out_count: np.ndarray,
    ) -> None:
        """Each mentee's k best mentors (the `Scorer.block` scores, ties: lower column).

        One pass per mentee over the mentors, with nothing written per pair: a score is
        compared with the worst of the k kept so far (a heap whose root is that worst
        entry) and only a better one touches the heap, so the selection costs about
        k log(n / k) heap steps per mentee instead of a pass over a score row. The text
        part is added without a branch (an empty cosine adds 0.0, which changes nothing),
        and excluded mentors are looked up only when they would enter the heap.
        """
        t0, t1, t2, t3, t4 = tables
        a0, a1, a2, a3, a4 = a_codes
        b0, b1, b2, b3, b4 = b_codes
        n = static.shape[0]
        n_es = es.shape[0]
        n_c = a_targets.shape[0]
        n_p = p_indptr.shape[0] - 1
        chunk = 64
        for ch in prange((n_es + chunk - 1) // chunk):
            cosine = np.zeros(n, dtype=np.float64)
            banned = np.zeros(n, dtype=np.int64)  # holds i + 1 for mentee i's exclusions
            comp_rows = np.empty((n_c, 6), dtype=np.float32)
            comp_ids = np.empty(n_c, dtype=np.int64)
            heap_v = np.empty(k, dtype=np.float32)
            heap_c = np.empty(k, dtype=np.int64)
            for i in range(ch * chunk, min(n_es, (ch + 1) * chunk)):
                e = es[i]
                r0 = t0[a0[e]]
                r1 = t1[a1[e]]
                r2 = t2[a2[e]]
                r3 = t3[a3[e]]
                r4 = t4[a4[e]]
                n_comp = 0
                for c in range(n_c):
                    if a_targets[c, e] > 0:
                        mine = a_levels[c, e]
                        for level in range(6):
                            comp_rows[n_comp, level] = zpd[mine, level] / targets_count[e]
                        comp_ids[n_comp] = c
                        n_comp += 1
                for j in range(q_indptr[e], q_indptr[e + 1]):
                    t = q_indices[j]
                    if t >= n_p:
                        continue
                    q = q_data[j]
                    for p in range(p_indptr[t], p_indptr[t + 1]):
                        up = np.uint64(p)
                        cosine[np.uint32(p_indices[up])] += q * p_data[up]
                stamp = i + 1
                for j in range(ban_indptr[i], ban_indptr[i + 1]):
                    banned[ban_rows[j]] = stamp
                total = total_weight[e]
                size = 0
                worst = np.float32(-np.inf)
                worst_raw = -np.inf
                for m in range(n):
                    # Unsigned indices (codes are never negative) spare Numba's check for
                    # negative, wrap-around indices on every gather: ~20 % of the loop.
                    um = np.uint64(m)
                    s = static[um]
                    s += r0[np.uint32(b0[um])]
                    s += r1[np.uint32(b1[um])]
                    s += r2[np.uint32(b2[um])]
                    s += r3[np.uint32(b3[um])]
                    s += r4[np.uint32(b4[um])]
                    for j in range(n_comp):
                        uj = np.uint64(j)
                        s += comp_rows[uj, b_levels[np.uint64(comp_ids[uj]), um]]
                    value = cosine[um]
                    cosine[um] = 0.0
                    s += goals_weight * np.float32(min(2.0 * value, 1.0))
                    # Exact early reject without the division: s / total <= worst when
                    # s <= worst x total, a product float64 holds exactly, and float32
                    # rounding of the quotient cannot then exceed worst.
                    if np.float64(s) <= worst_raw:
                        continue
                    s = s / total
                    if s > np.float32(1.0):
                        s = np.float32(1.0)
                    # A later column never beats an equal score: strictly better only.
                    if s > worst and banned[um] != stamp:
                        if size < k:
                            heap_v[size] = s
                            heap_c[size] = m
                            _heap_up(heap_v, heap_c, size)
                            size += 1
                            if size < k:
                                continue
                        else:
                            heap_v[0] = s
                            heap_c[0] = m
                            _heap_down(heap_v, heap_c, k)
                        worst = heap_v[0]
                        if total > 0:
                            worst_raw = np.float64(worst) * np.float64(total)
                # Pop worst first into the back: the row ends best first.
                out_count[i] = size
                while size > 0:
                    size -= 1
                    out_cols[i, size] = heap_c[0]
                    out_vals[i, size] = heap_v[0]
                    heap_v[0] = heap_v[size]
                    heap_c[0] = heap_c[size]
                    _heap_down(heap_v, heap_c, size)

    def threads() -> int:
        return int(numba.get_num_threads())

else:  # pragma: no cover

    def threads() -> int:
        return 1


__all__: list[Any] = ["AVAILABLE", "ENABLED", "enabled", "threads"]
