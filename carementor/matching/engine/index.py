"""Top-k at national scale: mentors laid out in blocks with per-block score bounds.

The index sorts the pool so that similar mentors sit together (profession group, specialty
tree, specialty, profession and stage, languages, meeting place, hours) and cuts it into
blocks. For each block it keeps what is present: the distinct values of each categorical
part, the competency levels, the heaviest weight of each goal word, the best availability.
For a mentee, every component's best possible value over a block is then a small gather,
and their weighted sum bounds every score in the block.

A search scores whole blocks, best bound first, and stops as soon as the k-th best score
found is at least the next block's bound: the answer is then exact, usually after a small
fraction of the pool. With `max_rows` it also stops after that many rows, and the answer is
approximate (its recall is measured in the benchmarks). Unlike a vector index this needs no
embedding of the score: it uses the score itself.

Rows added or re-encoded after `build()` are always scanned; `build()` again once there are
many of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from carementor.matching.engine import features
from carementor.matching.engine.encode import Population
from carementor.matching.engine.people import Person
from carementor.matching.engine.program import ProgramSettings
from carementor.matching.engine.scoring import Scorer
from carementor.matching.engine.topk import Suggester, Suggestion, best_rows

_FEATURES = (
    ("block", "block"),
    ("specialty", "specialty_set"),
    ("language", "language_set"),
    ("schedule", "hours_code"),
    ("meeting", "meeting"),
)


@dataclass(frozen=True, slots=True)
class SearchStats:
    rows_scanned: int
    blocks_scanned: int
    exact: bool  # True when the bounds prove no better mentor was left unscanned


class PoolIndex:
    """A block-bound index over a mentor population (see the module docstring)."""

    def __init__(
        self,
        mentors: Population,
        settings: ProgramSettings | None = None,
        *,
        block_size: int = 1024,
    ) -> None:
        self.mentors = mentors
        self.suggester = Suggester(mentors, settings)
        self.block_size = block_size
        self.build()

    @property
    def settings(self) -> ProgramSettings:
        return self.suggester.settings

    def build(self) -> None:
        b = self.mentors
        n = b.n
        enc = b.encoder
        self.version = b.version
        self.indexed = n
        spec_first = b.specialty_sets.table()[:, 0][b.specialty_set[:n]]
        roots = np.array(
            [enc.specialties.id(enc.taxonomy.ancestors(code)[-1]) for code in enc.specialties.items]
            or [0],
            dtype=np.int64,
        )
        spec_root = np.where(spec_first >= 0, roots[np.maximum(spec_first, 0)], -1)
        group = b.blocks.table()[b.block[:n], 1]
        self.order = np.lexsort(
            (
                b.hours_code[:n],
                b.meeting[:n],
                b.language_set[:n],
                b.block[:n],
                spec_first,
                spec_root,
                group,
            )
        )
        size = self.block_size
        self.starts = np.arange(0, max(n, 1), size)
        self.n_blocks = len(self.starts) if n else 0
        block_of = np.arange(n) // size
        self.present: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, column in _FEATURES:
            codes = getattr(b, column)[:n][self.order].astype(np.int64)
            width = int(codes.max()) + 1 if n else 1
            keys = np.unique(block_of * width + codes)
            owner, code = keys // width, keys % width
            indptr = np.searchsorted(owner, np.arange(self.n_blocks + 1))
            self.present[name] = (indptr, code)
        levels = b.levels[:, :n][:, self.order]
        self.levels_present = np.zeros((levels.shape[0], self.n_blocks, 6), dtype=bool)
        for c in range(levels.shape[0]):
            seen = np.bincount(block_of * 6 + levels[c], minlength=self.n_blocks * 6)
            self.levels_present[c] = seen.reshape(self.n_blocks, 6) > 0
        text = b.text_matrix()[self.order].tocoo()
        width = text.shape[1]
        keys = block_of[text.row].astype(np.int64) * width + text.col
        order = np.argsort(keys, kind="stable")
        keys, data = keys[order], text.data[order]
        if len(keys):
            first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            best = np.maximum.reduceat(data, first)
            self.text_max = sp.csc_matrix(
                (best, (keys[first] // width, keys[first] % width)), shape=(self.n_blocks, width)
            )
        else:
            self.text_max = sp.csc_matrix((self.n_blocks, max(width, 1)), dtype=np.float32)
        self._static_max: dict[object, np.ndarray] = {}

    def _unindexed(self) -> np.ndarray:
        """Rows added or re-encoded since the build: always scanned."""
        b = self.mentors
        extra = np.arange(self.indexed, b.n)
        if b.version == self.version:
            return extra
        changed = [row for row, version in b.updated.items() if version > self.version]
        return np.union1d(extra, np.asarray(changed, dtype=np.int64))

    def bounds(self, scorer: Scorer, e: int = 0) -> np.ndarray:
        """Per block, an upper bound of mentee row `e`'s score with any mentor in it."""
        t, a = scorer.tables(), scorer.a
        settings = scorer.settings
        key = (
            scorer.b.version,
            settings.weights.availability,
            scorer.peer,
            settings.require_verified,
        )
        total = self._static_max.get(key)
        if total is None:
            static = t.static[: self.indexed][self.order]
            total = self._static_max[key] = np.maximum.reduceat(static, self.starts)
        total = total.astype(np.float64)
        for name, column in _FEATURES:
            row = getattr(t, name)[getattr(a, column)[e]]
            indptr, codes = self.present[name]
            total += np.maximum.reduceat(row[codes], indptr[:-1])
        targets = np.flatnonzero(a.targets[:, e])
        for c in targets:
            if c >= self.levels_present.shape[0]:
                continue
            row = t.zpd[a.levels[c, e]] / t.targets_count[e]
            total += np.where(self.levels_present[c], row[None, :], 0.0).max(axis=1)
        ids, weights = Scorer._text_row(a, e)
        if len(ids):
            cosine = self.text_max[:, ids] @ weights
            total += scorer.settings.weights.goals * features.goals(np.asarray(cosine).ravel())
        return total / t.total_weight[e]

    def top_k(
        self,
        mentee: Person,
        k: int = 10,
        *,
        exclude: Iterable[str] = (),
        bookmarked: Iterable[str] = (),
        max_rows: int | None = None,
    ) -> tuple[list[Suggestion], SearchStats]:
        """The k best eligible mentors, best first, and how much of the pool was scanned."""
        scorer = self.suggester.scorer_for(mentee)
        b = self.mentors
        banned = np.array(
            sorted(b.row_of[key] for key in exclude if key in b.row_of), dtype=np.int64
        )
        found_rows = self._unindexed()
        found_scores = scorer.scores(0, found_rows) if len(found_rows) else np.zeros(0, np.float32)
        if self.n_blocks == 0:
            return self._answer(found_rows, found_scores, banned, k, bookmarked), SearchStats(
                len(found_rows), 0, True
            )
        bounds = self.bounds(scorer)
        ranking = np.argsort(-bounds, kind="stable")
        kth = -np.inf
        scanned = len(found_rows)
        done = 0
        step = 4
        exact = True
        while done < self.n_blocks:
            if bounds[ranking[done]] <= kth:
                break
            if max_rows is not None and scanned >= max_rows:
                exact = False
                break
            chosen = ranking[done : done + step]
            chosen = chosen[bounds[chosen] > kth]
            rows = np.concatenate(
                [self.order[self.starts[c] : self.starts[c] + self.block_size] for c in chosen]
            )
            scores = scorer.scores(0, rows)
            if len(banned):
                scores[np.isin(rows, banned)] = -np.inf
            found_rows = np.concatenate([found_rows, rows])
            found_scores = np.concatenate([found_scores, scores])
            keep = best_rows(found_scores, k, found_rows)
            found_rows, found_scores = found_rows[keep], found_scores[keep]
            if len(found_scores) >= k:
                kth = float(found_scores[-1])
            scanned += len(rows)
            done += step
            step *= 2
        stats = SearchStats(scanned, min(done, self.n_blocks), exact)
        return self._answer(found_rows, found_scores, banned, k, bookmarked), stats

    def _answer(
        self,
        rows: np.ndarray,
        scores: np.ndarray,
        banned: np.ndarray,
        k: int,
        bookmarked: Iterable[str],
    ) -> list[Suggestion]:
        if len(banned):
            scores = np.where(np.isin(rows, banned), -np.inf, scores)
        # A row re-encoded since the build may have been scored twice: keep it once.
        rows, first = np.unique(rows, return_index=True)
        scores = scores[first]
        marked = set(bookmarked)
        keys = self.mentors.keys
        return [
            Suggestion(
                keys[int(rows[i])], int(rows[i]), float(scores[i]), keys[int(rows[i])] in marked
            )
            for i in best_rows(scores, k, rows)
        ]
