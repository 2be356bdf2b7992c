"""Each component of the score as a vectorised table over distinct profile values.

Every function compares the distinct values of the mentee side (rows, `a`) with those of the
mentor side (columns, `b`) and returns `(values, applicable)`: values in [0, 1] of shape
(len(a), len(b)) and, per mentee value, whether the component can be judged at all. The
scorer gathers these tables per person, so the same numbers serve one mentee against a
million mentors, a whole cohort, or the explanation of one pair.
"""

from __future__ import annotations

import numpy as np

from carementor.matching.engine.encode import IN_PERSON_BIT
from carementor.matching.engine.program import Direction

# Career stage: value by (mentor rank - mentee rank), from -6 to +6, per direction.
_CAREER: dict[Direction, tuple[float, ...]] = {
    #                      -6 -5 -4 -3 -2 -1   0     1    2    3    4     5    6
    Direction.SENIOR: (0, 0, 0, 0, 0, 0, 0.25, 0.7, 1.0, 1.0, 0.85, 0.7, 0.7),
    Direction.NEAR_PEER: (0, 0, 0, 0, 0, 0, 0.4, 1.0, 0.8, 0.5, 0.2, 0.2, 0.2),
    Direction.PEER: (0, 0, 0, 0, 0.25, 0.6, 1.0, 0.6, 0.25, 0, 0, 0, 0),
    Direction.REVERSE: (0.7, 0.7, 0.85, 1.0, 1.0, 0.7, 0.25, 0, 0, 0, 0, 0, 0),
}
CAREER_UNKNOWN = 0.3
NOT_STATED = 0.5  # the mentor left this part of their profile empty

# Competency growth by (mentor level - mentee level): the zone of proximal development.
ZPD_BY_GAP = (0.0, 1.0, 1.0, 0.7, 0.5, 0.4)  # gap ≤ 0, +1, +2, +3, +4, +5


def zpd_table() -> np.ndarray:
    """value[mentee level, mentor level] for levels 0 … 5 (0 = not rated)."""
    table = np.zeros((6, 6), dtype=np.float32)
    for mine in range(6):
        for theirs in range(1, 6):
            gap = theirs - mine
            table[mine, theirs] = ZPD_BY_GAP[gap] if gap > 0 else 0.0
    return table


def profession(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Same profession 1, same profession group 0.6, another 0.15. `a`, `b`: block tables."""
    pa, ga = a[:, 0:1], a[:, 1:2]
    pb, gb = b[None, :, 0], b[None, :, 1]
    same = (pa == pb) & (pa >= 0)
    same_group = (ga == gb) & (ga >= 0)
    known = (pb >= 0) | (gb >= 0)
    values = np.where(same, 1.0, np.where(same_group, 0.6, np.where(known, 0.15, 0.0)))
    return values.astype(np.float32), (a[:, 0] >= 0) | (a[:, 1] >= 0)


def career(a: np.ndarray, b: np.ndarray, direction: Direction) -> tuple[np.ndarray, np.ndarray]:
    ra, rb = a[:, 2:3], b[None, :, 2]
    table = np.asarray(_CAREER[direction], dtype=np.float32)
    gap = np.clip(rb - ra, -6, 6) + 6
    values = np.where(rb >= 0, table[gap], np.float32(CAREER_UNKNOWN))
    return values.astype(np.float32), a[:, 2] >= 0


def role(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The role sought is offered 1; the mentor offers other roles 0.3."""
    sought, offered = a[:, 4:5], b[None, :, 3]
    values = np.where((sought & offered) != 0, 1.0, np.where(offered != 0, 0.3, 0.0))
    return values.astype(np.float32), a[:, 4] != 0


def specialty(a: np.ndarray, b: np.ndarray, affinity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best taxonomy affinity between any specialty of each side (sets padded with -1)."""
    none = affinity.shape[0] - 1
    a_ids = np.where(a < 0, none, a)
    b_ids = np.where(b < 0, none, b)
    best_for_a = affinity[a_ids].max(axis=1)  # (len(a), vocabulary + 1)
    values = np.empty((len(a), len(b)), dtype=np.float32)
    step = max(1, 8_000_000 // max(1, b.size))
    for start in range(0, len(a), step):
        values[start : start + step] = best_for_a[start : start + step][:, b_ids].max(axis=2)
    return values, a[:, 0] >= 0


def language(
    a: np.ndarray, b: np.ndarray, vocabulary: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mentor speaks the mentee's first language 1, another shared one 0.7.

    Also returns `allowed`: False where both gave languages and share none (a hard rule).
    """
    none = vocabulary
    weight = np.zeros((len(a), vocabulary + 1), dtype=np.float32)
    rows = np.arange(len(a))
    if a.shape[1] > 1:
        others = np.where(a[:, 1:] < 0, none, a[:, 1:])
        weight[rows[:, None], others] = 0.7
    weight[rows, np.where(a[:, 0] < 0, none, a[:, 0])] = 1.0
    weight[:, none] = 0.0
    b_ids = np.where(b < 0, none, b)
    values = weight[:, b_ids].max(axis=2)
    a_known, b_known = a[:, 0] >= 0, b[:, 0] >= 0
    allowed = (values > 0) | ~a_known[:, None] | ~b_known[None, :]
    values = np.where(b_known[None, :], values, np.float32(NOT_STATED))
    return values.astype(np.float32), a_known, allowed


def _popcount(words: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words).sum(axis=-1, dtype=np.int32)


def schedule(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of the mentee's preferred weekly hours (in UTC) that the mentor also prefers."""
    mine = _popcount(a)
    shared = np.zeros((len(a), len(b)), dtype=np.int32)
    for word in range(a.shape[1]):
        shared += np.bitwise_count(a[:, word : word + 1] & b[None, :, word]).astype(np.int32)
    values = shared / np.maximum(mine, 1)[:, None]
    values = np.where(_popcount(b)[None, :] > 0, values, NOT_STATED)
    return values.astype(np.float32), mine > 0


def meeting_format(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A shared remote format 1; only in person: same city 1, same country 0.5, else 0.1."""
    fa, fb = a[:, 0:1], b[None, :, 0]
    both = fa & fb
    remote = (both & ~IN_PERSON_BIT) != 0
    in_person = (both & IN_PERSON_BIT) != 0
    ca, cb, ya, yb = a[:, 1:2], b[None, :, 1], a[:, 2:3], b[None, :, 2]
    place = np.where(
        (ya == yb) & (ya >= 0),
        1.0,
        np.where((ca == cb) & (ca >= 0), 0.5, np.where((ca >= 0) & (cb >= 0), 0.1, 0.4)),
    )
    values = np.where(remote, 1.0, np.where(in_person, place, 0.0))
    values = np.where(fb != 0, values, NOT_STATED)
    return values.astype(np.float32), a[:, 0] != 0


def availability(hours_per_month: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """Half the hours a month offered (4 or more is full), half the places still free."""
    hours = np.where(hours_per_month < 0, NOT_STATED, np.minimum(hours_per_month / 4.0, 1.0))
    places = np.where(spare >= 2, 1.0, np.where(spare == 1, 0.7, 0.0))
    return (0.5 * hours + 0.5 * places).astype(np.float32)


def goals(cosine: np.ndarray) -> np.ndarray:
    """TF-IDF cosine, doubled and capped: sharing half the weighted words is full marks."""
    return np.minimum(2.0 * cosine, 1.0).astype(np.float32)
