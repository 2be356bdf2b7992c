"""CareMentor's matching engine: plain Python + NumPy (SciPy, OR-Tools), no Django.

Public API (stable names; see README.md beside this package for the model and its numbers):

- people and programmes: `Person`, `Taxonomy`, `ProgramSettings`, `Weights`, `ProgramFormat`
- encoding: `Encoder`, `Population` (incremental: `update`, `extend`)
- compatibility: `Scorer` (`scores`, `block`, `pairs`), `score_pairs`, `explain`
- suggestions: `top_k`, `Suggester`, `PoolIndex` (national scale)
- cohorts: `optimal_match`, `stable_match`, `is_stable`, `blocking_pairs`, `prefs_from_scores`,
  `candidates`, `match_cohort`
- other formats: `peer_match`, `form_circles`, `speed_rounds`
"""

from carementor.matching.engine.circles import Circles, form_circles
from carementor.matching.engine.cohort import CohortResult, candidates, match_cohort
from carementor.matching.engine.encode import Encoder, Population
from carementor.matching.engine.explain import Explanation, Reason, explain
from carementor.matching.engine.index import PoolIndex
from carementor.matching.engine.optimal import (
    MatchingError,
    dense_reference,
    greedy_match,
    optimal_match,
    total_score,
)
from carementor.matching.engine.peer import PeerResult, peer_match
from carementor.matching.engine.people import (
    MeetingFormat,
    MentoringRole,
    Person,
    ProgramFormat,
    Slot,
    Taxonomy,
)
from carementor.matching.engine.program import Component, ProgramSettings, Weights
from carementor.matching.engine.rotations import Rotation, speed_rounds
from carementor.matching.engine.scoring import HardRule, Scorer, score_pairs
from carementor.matching.engine.stable import (
    Prefs,
    blocking_pairs,
    is_stable,
    prefs_from_scores,
    stable_match,
)
from carementor.matching.engine.topk import Suggester, Suggestion, top_k

__all__ = [
    "Circles",
    "CohortResult",
    "Component",
    "Encoder",
    "Explanation",
    "HardRule",
    "MatchingError",
    "MeetingFormat",
    "MentoringRole",
    "PeerResult",
    "Person",
    "PoolIndex",
    "Population",
    "Prefs",
    "ProgramFormat",
    "ProgramSettings",
    "Reason",
    "Rotation",
    "Scorer",
    "Slot",
    "Suggester",
    "Suggestion",
    "Taxonomy",
    "Weights",
    "blocking_pairs",
    "candidates",
    "dense_reference",
    "explain",
    "form_circles",
    "greedy_match",
    "is_stable",
    "match_cohort",
    "optimal_match",
    "peer_match",
    "prefs_from_scores",
    "score_pairs",
    "speed_rounds",
    "stable_match",
    "top_k",
    "total_score",
]
