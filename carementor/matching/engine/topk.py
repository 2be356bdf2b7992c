"""Top-k suggestions for one mentee: an exact, filtered scan over the mentor pool.

One scan scores every mentor with a few gathers per component (see `scoring`), then
selects the k best with a partition, not a full sort. For pools beyond a few hundred
thousand mentors `index.PoolIndex` narrows the scan first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from carementor.matching.engine import kernels
from carementor.matching.engine.encode import Population
from carementor.matching.engine.people import Person
from carementor.matching.engine.program import ProgramSettings
from carementor.matching.engine.scoring import Scorer


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: str
    row: int
    score: float
    bookmarked: bool = False


def best_rows(scores: np.ndarray, k: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Positions of the k highest finite scores, best first, ties by position."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if rows is None and kernels.enabled():
        return np.asarray(kernels.select(np.ascontiguousarray(scores, dtype=np.float32), k))
    if k < n:
        threshold = np.partition(scores, n - k)[n - k]
        if not np.isfinite(threshold):
            threshold = np.float32(-np.finfo(np.float32).max)
        picked = np.flatnonzero(scores >= threshold)
    else:
        picked = np.flatnonzero(np.isfinite(scores))
    picked = picked[np.isfinite(scores[picked])]
    tie = picked if rows is None else rows[picked]
    order = np.lexsort((tie, -scores[picked]))
    return picked[order[:k]]


class Suggester:
    """Suggests mentors from one encoded pool under one programme's settings."""

    def __init__(self, mentors: Population, settings: ProgramSettings | None = None) -> None:
        self.mentors = mentors
        self.settings = settings or ProgramSettings()

    def scorer_for(self, mentee: Person) -> Scorer:
        """A scorer whose only mentee (row 0) is `mentee`."""
        query = self.mentors.encoder.population([mentee])
        return Scorer(query, self.mentors, self.settings)

    def top_k(
        self,
        mentee: Person,
        k: int = 10,
        *,
        exclude: Iterable[str] = (),
        bookmarked: Iterable[str] = (),
        rows: np.ndarray | None = None,
    ) -> list[Suggestion]:
        """The k best eligible mentors for `mentee`, best first.

        `exclude` holds keys never to suggest (dismissed, already requested); `bookmarked`
        keys are flagged so the page can show them. `rows` limits the scan to some mentors.
        """
        scorer = self.scorer_for(mentee)
        scores = scorer.scores(0, rows)
        row_of = self.mentors.row_of
        banned = [row_of[key] for key in exclude if key in row_of]
        if banned:
            if rows is None:
                scores[banned] = -np.inf
            else:
                scores[np.isin(rows, banned)] = -np.inf
        marked = set(bookmarked)
        result = []
        for position in best_rows(scores, k, rows):
            row = int(position if rows is None else rows[position])
            key = self.mentors.keys[row]
            result.append(Suggestion(key, row, float(scores[position]), key in marked))
        return result


def top_k(
    mentors: Population,
    mentee: Person,
    k: int = 10,
    *,
    settings: ProgramSettings | None = None,
    exclude: Iterable[str] = (),
    bookmarked: Iterable[str] = (),
) -> list[Suggestion]:
    """The k best eligible mentors for one mentee (see `Suggester.top_k`)."""
    return Suggester(mentors, settings).top_k(mentee, k, exclude=exclude, bookmarked=bookmarked)
