"""A small TF-IDF model for goals and interests, with NumPy and SciPy only.

Words are lower-cased, split on anything that is not a letter or digit (any script), stripped
of a plural "s", and filtered against a short stop list. The vocabulary and the inverse
document frequencies are fitted once on a population; later texts are encoded with them
(unseen words are ignored) so that one changed profile re-encodes one row. Each text keeps
its `max_terms` heaviest words, renormalised: that bounds the cost of a search while keeping
what distinguishes the text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

# Letters and digits of any script, with the combining vowel signs of Indic scripts (which
# Unicode does not count as letters) kept inside their words.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0dff])+", re.UNICODE)

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further get got had has have having he her here hers herself him himself his
    how i if in into is it its itself just like me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very want wants was we well were what when where which while who whom why
    will with would you your yours yourself yourselves
    """.split()  # noqa: SIM905 - a list literal would be 140 lines
)


@lru_cache(maxsize=200_000)
def _normalise(raw: str) -> str | None:
    if len(raw) < 3 and not raw.isdigit():
        return None
    word = raw[:-1] if len(raw) > 4 and raw.endswith("s") and not raw.endswith("ss") else raw
    return None if word in STOP_WORDS else word


def tokenize(text: str) -> list[str]:
    return [w for w in map(_normalise, _WORD.findall(text.lower())) if w is not None]


class TfIdf:
    """Vocabulary and inverse document frequencies fitted on a corpus."""

    def __init__(
        self, *, max_terms: int = 24, max_df: float = 0.1, min_docs_for_max_df: int = 500
    ) -> None:
        self.max_terms = max_terms
        self.max_df = max_df
        self.min_docs_for_max_df = min_docs_for_max_df
        self.vocabulary: dict[str, int] = {}
        self.terms: list[str] = []
        self.idf = np.zeros(0, dtype=np.float64)
        self._idf_list: list[float] = []

    def fit(self, texts: Iterable[str]) -> TfIdf:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(tokenize(text)))
            n += 1
        # Words used by most of a large population say nothing about a pair; they would
        # also make every search touch most rows. Small populations keep every word.
        limit = self.max_df * n if n >= self.min_docs_for_max_df else math.inf
        kept = sorted(word for word, count in df.items() if count <= limit)
        self.terms = kept
        self.vocabulary = {word: i for i, word in enumerate(kept)}
        counts = np.array([df[w] for w in kept], dtype=np.float64)
        self.idf = np.log((1.0 + n) / (1.0 + counts)) + 1.0
        self._idf_list = self.idf.tolist()
        return self

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted term ids and their L2-normalised weights (both empty for no known word)."""
        ids, weights = self._weights(text)
        return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float64)

    def _weights(self, text: str) -> tuple[list[int], list[float]]:
        # Plain Python: texts are short, and NumPy's per-call cost would dominate.
        vocabulary, idf = self.vocabulary, self._idf_list
        counts = Counter(i for i in map(vocabulary.get, tokenize(text)) if i is not None)
        if not counts:
            return [], []
        pairs = [(i, (1.0 + math.log(tf)) * idf[i]) for i, tf in counts.items()]
        if len(pairs) > self.max_terms:
            # Ties broken by term id so that the kept words never depend on dict order.
            pairs = sorted(pairs, key=lambda p: (-p[1], p[0]))[: self.max_terms]
        pairs.sort()
        norm = math.sqrt(sum(w * w for _, w in pairs))
        return [i for i, _ in pairs], [w / norm for _, w in pairs]

    def matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        indptr = [0]
        ids: list[int] = []
        weights: list[float] = []
        for text in texts:
            row_ids, row_weights = self._weights(text)
            ids.extend(row_ids)
            weights.extend(row_weights)
            indptr.append(len(ids))
        return sp.csr_matrix(
            (
                np.asarray(weights, dtype=np.float64),
                np.asarray(ids, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), max(len(self.terms), 1)),
        )

    def shared_words(self, a: str, b: str, limit: int = 3) -> list[str]:
        """The words that contribute most to the similarity of two texts, heaviest first."""
        ids_a, w_a = self.vector(a)
        ids_b, w_b = self.vector(b)
        common, ia, ib = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
        if len(common) == 0:
            return []
        contrib = w_a[ia] * w_b[ib]
        order = np.lexsort((common, -contrib))[:limit]
        return [self.terms[int(common[i])] for i in order]
