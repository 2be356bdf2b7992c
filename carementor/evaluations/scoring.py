"""Turning raw answers into scores: reverse-scoring, domain means and the total.

Pure functions over items and values; no database access beyond what the caller passes in.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from carementor.evaluations.models import Scale


class ScoredItem(Protocol):
    key: str
    domain: str
    scale: str
    points: int
    min_value: float | None
    max_value: float | None
    reverse: bool


def scored_value(item: ScoredItem, raw: float | None) -> float | None:
    """The score of one raw answer: Likert 1..points (reversed: points + 1 - v), yes/no 1/0
    (reversed: 0/1), numeric (reversed: min + max - v); free text and blanks score nothing."""
    if raw is None or item.scale == Scale.TEXT:
        return None
    value = float(raw)
    if item.scale == Scale.LIKERT:
        return float(item.points + 1 - value) if item.reverse else value
    if item.scale == Scale.YES_NO:
        yes = 1.0 if value else 0.0
        return 1.0 - yes if item.reverse else yes
    if item.scale == Scale.NUMERIC:
        if item.reverse and item.min_value is not None and item.max_value is not None:
            return float(item.min_value + item.max_value - value)
        return value
    return None


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def score_answers(instrument: Any, answers: Mapping[str, float | None]) -> dict[str, float]:
    """Scores of one response: ``{domain_key: mean of its scored items, "total": mean of all
    scored items}``. ``answers`` maps item keys to raw values; missing or blank answers are left
    out of the means. Domains nobody answered are absent. Items with no domain are unscored."""
    items: Iterable[Any] = instrument.items.all()
    by_domain: dict[str, list[float]] = {}
    everything: list[float] = []
    for item in items:
        if not item.domain or item.scale == Scale.TEXT:
            continue
        score = scored_value(item, answers.get(item.key))
        if score is None:
            continue
        by_domain.setdefault(item.domain, []).append(score)
        everything.append(score)
    scores = {domain: _mean(values) for domain, values in by_domain.items()}
    if everything:
        scores["total"] = _mean(everything)
    return scores
