"""Group mentoring: circles led by a mentor, with members who share goals.

A nursing college's peer scheme (groups of six: a senior student leading five juniors) or a
leadership circle: each leader has a circle size, and members should both suit their leader
and resemble each other. The objective is

    sum over members of score(member, leader)
    + cohesion x sum over members of their mean similarity to the rest of their circle.

Members are first assigned to leaders optimally on the first term (most people placed,
then the best total, by min-cost flow); then swaps and moves between circles are applied
while any improves the whole objective (a local optimum of a problem that is NP-hard in
general; the first term alone is exact). Deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from carementor.matching.engine.encode import Population
from carementor.matching.engine.optimal import optimal_match

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Circles:
    leader: np.ndarray  # leader index per member, -1 if not placed
    fit: float  # first term: members' scores with their leaders
    cohesion: float  # second term, before the cohesion weight
    improvements: int  # swaps and moves made after the optimal start

    def members(self, leader: int) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.leader == leader)]


def goal_similarity(people: Population) -> np.ndarray:
    """Cosine similarity of everyone's goals and interests (TF-IDF), dense, zero diagonal."""
    text = people.text_matrix()
    similarity = np.asarray((text @ text.T).todense(), dtype=np.float64)
    np.fill_diagonal(similarity, 0.0)
    return similarity


def form_circles(
    scores: np.ndarray | sp.spmatrix | sp.sparray,
    sizes: np.ndarray | list[int],
    similarity: np.ndarray,
    *,
    cohesion: float = 0.5,
    max_rounds: int = 50,
) -> Circles:
    """Place members (rows of `scores`) in circles led by leaders (columns).

    `sizes[j]` is how many members leader j takes; `similarity` is members x members
    (symmetric). Non-finite or missing scores mark pairs that must not be placed together.
    """
    stored = sp.coo_matrix(scores) if sp.issparse(scores) else None
    dense = stored.toarray() if stored is not None else np.asarray(scores, dtype=np.float64)
    allowed = np.isfinite(dense)
    if stored is not None:
        allowed = np.zeros(dense.shape, dtype=bool)
        ok = np.isfinite(stored.data)
        allowed[stored.row[ok], stored.col[ok]] = True
    dense = np.where(allowed, dense, 0.0)
    n, k = dense.shape
    caps = np.asarray(sizes, dtype=np.int64)
    r, c = np.nonzero(allowed)
    graph = sp.csr_matrix((dense[r, c] + EPSILON, (r, c)), shape=(n, k))
    leader = optimal_match(graph, caps, maximize_matched=True)
    sim = np.array(similarity, dtype=np.float64)
    if sim.shape != (n, n):
        raise ValueError("similarity must be members x members")
    np.fill_diagonal(sim, 0.0)
    improvements = _improve(leader, dense, allowed, caps, sim, cohesion, max_rounds)
    fit = float(sum(dense[i, leader[i]] for i in range(n) if leader[i] >= 0))
    return Circles(leader, fit, _cohesion(leader, sim, k), improvements)


def _cohesion(leader: np.ndarray, sim: np.ndarray, k: int) -> float:
    total = 0.0
    for j in range(k):
        members = np.flatnonzero(leader == j)
        if len(members) > 1:
            total += sim[np.ix_(members, members)].sum() / (len(members) - 1)
    return float(total)


def _value(pairs: float, size: float) -> float:
    """A circle's cohesion: its members' mean similarity to the others, summed."""
    return 2.0 * pairs / (size - 1) if size > 1 else 0.0


def _improve(
    leader: np.ndarray,
    score: np.ndarray,
    allowed: np.ndarray,
    caps: np.ndarray,
    sim: np.ndarray,
    cohesion: float,
    max_rounds: int,
) -> int:
    n, k = score.shape
    if cohesion <= 0 or n < 2:
        return 0
    placed = np.flatnonzero(leader >= 0)
    onehot = np.zeros((n, k))
    onehot[placed, leader[placed]] = 1.0
    sums = sim @ onehot  # sums[i, j]: similarity of i to the members of circle j (not i)
    size = onehot.sum(axis=0)
    pairs = 0.5 * (onehot * sums).sum(axis=0)  # per circle, the sum over its pairs
    improvements = 0
    for _ in range(max_rounds):
        changed = False
        for i in np.flatnonzero(leader >= 0).tolist():
            a = int(leader[i])
            best, best_j, best_target = EPSILON, -1, -1
            others = np.flatnonzero((leader >= 0) & (leader != a))
            if len(others):
                bs = leader[others]
                ok = allowed[i, bs] & allowed[others, a]
                fit = score[i, bs] + score[others, a] - score[i, a] - score[others, bs]
                gain_a = (sums[others, a] - sim[others, i]) - sums[i, a]
                gain_b = (sums[i, bs] - sim[i, others]) - sums[others, bs]
                share_a = 2.0 / max(size[a] - 1, 1)
                share_b = 2.0 / np.maximum(size[bs] - 1, 1)
                delta = np.where(
                    ok, fit + cohesion * (share_a * gain_a + share_b * gain_b), -np.inf
                )
                j = int(np.argmax(delta))
                if delta[j] > best:
                    best, best_j, best_target = float(delta[j]), int(others[j]), int(bs[j])
            for b in np.flatnonzero((size < caps) & allowed[i]).tolist():
                if b == a:
                    continue
                change = (
                    _value(pairs[a] - sums[i, a], size[a] - 1)
                    - _value(pairs[a], size[a])
                    + _value(pairs[b] + sums[i, b], size[b] + 1)
                    - _value(pairs[b], size[b])
                )
                gain = float(score[i, b] - score[i, a] + cohesion * change)
                if gain > best:
                    best, best_j, best_target = gain, -1, b
            if best_target < 0:
                continue
            if best_j >= 0:
                j, b = best_j, best_target
                pairs[a] += (sums[j, a] - sim[j, i]) - sums[i, a]
                pairs[b] += (sums[i, b] - sim[i, j]) - sums[j, b]
                sums[:, a] += sim[:, j] - sim[:, i]
                sums[:, b] += sim[:, i] - sim[:, j]
                leader[i], leader[j] = b, a
            else:
                b = best_target
                pairs[a] -= sums[i, a]
                pairs[b] += sums[i, b]
                sums[:, a] -= sim[:, i]
                sums[:, b] += sim[:, i]
                size[a] -= 1
                size[b] += 1
                leader[i] = b
            improvements += 1
            changed = True
        if not changed:
            break
    return improvements
