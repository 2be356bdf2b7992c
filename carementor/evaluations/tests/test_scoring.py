"""Scoring: reverse items, domain means, the total, and the shipped instruments."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.evaluations.instruments import SHIPPED, item_rows, read_instrument
from carementor.evaluations.models import Instrument
from carementor.evaluations.scoring import score_answers, scored_value


def item(**kw: object) -> SimpleNamespace:
    base = {
        "key": "q",
        "domain": "d",
        "scale": "likert",
        "points": 5,
        "min_value": None,
        "max_value": None,
        "reverse": False,
    }
    base.update(kw)
    return SimpleNamespace(**base)


class FakeInstrument:
    def __init__(self, items: list[SimpleNamespace]) -> None:
        self._items = items

    @property
    def items(self) -> "FakeInstrument":
        return self

    def all(self) -> list[SimpleNamespace]:
        return self._items


def test_likert_reverse_scoring() -> None:
    assert scored_value(item(), 4) == 4.0
    assert scored_value(item(reverse=True), 4) == 2.0
    assert scored_value(item(reverse=True, points=7), 1) == 7.0


def test_yes_no_numeric_and_text() -> None:
    assert scored_value(item(scale="yes_no"), 1) == 1.0
    assert scored_value(item(scale="yes_no"), 0) == 0.0
    assert scored_value(item(scale="yes_no", reverse=True), 1) == 0.0
    assert scored_value(item(scale="numeric", min_value=0, max_value=10), 3) == 3.0
    assert scored_value(item(scale="numeric", min_value=0, max_value=10, reverse=True), 3) == 7.0
    assert scored_value(item(scale="text"), 3) is None
    assert scored_value(item(), None) is None


@given(st.integers(min_value=2, max_value=11), st.data())
def test_reversing_twice_is_identity(points: int, data: st.DataObject) -> None:
    v = data.draw(st.integers(min_value=1, max_value=points))
    once = scored_value(item(points=points, reverse=True), v)
    assert once is not None and 1 <= once <= points
    assert scored_value(item(points=points, reverse=True), once) == v


def test_domain_means_and_total_with_reverse_items() -> None:
    instrument = FakeInstrument(
        [
            item(key="a1", domain="a"),
            item(key="a2", domain="a", reverse=True),
            item(key="b1", domain="b"),
            item(key="note", domain="", scale="text"),
            item(key="free", domain=""),
        ]
    )
    scores = score_answers(instrument, {"a1": 5, "a2": 2, "b1": 3, "note": None, "free": 1})
    # a2 reversed: 6 - 2 = 4; a = (5 + 4) / 2; total = (5 + 4 + 3) / 3; unscored items ignored.
    assert scores == {"a": 4.5, "b": 3.0, "total": 4.0}


def test_unanswered_items_are_left_out() -> None:
    instrument = FakeInstrument([item(key="a1", domain="a"), item(key="b1", domain="b")])
    assert score_answers(instrument, {"a1": 2}) == {"a": 2.0, "total": 2.0}
    assert score_answers(instrument, {}) == {}


@pytest.mark.parametrize("slug", SHIPPED)
def test_shipped_instrument_files_are_consistent(slug: str) -> None:
    data = read_instrument(slug)
    assert data["licence_status"] == "own"
    assert data["source"].startswith("CareMentor")
    keys = {d["key"] for d in data["domains"]}
    rows = item_rows(data)
    assert len({r["key"] for r in rows}) == len(rows)
    for row in rows:
        assert row["domain"] in keys | {""}
        if row["scale"] == "likert":
            assert len(row["labels"]) == row["points"]


@pytest.mark.django_db
def test_shipped_instruments_are_loaded_with_their_domains() -> None:
    outcomes = Instrument.objects.get(organization=None, slug="mentee-outcomes")
    areas = {d["area"] for d in outcomes.domains}
    assert areas == {"practice", "wellbeing", "development"}
    for domain in ("practice", "wellbeing", "development"):
        items = outcomes.items.filter(domain=domain)
        assert items.count() >= 4
        assert items.filter(reverse=True).exists()
    quality = Instrument.objects.get(organization=None, slug="relationship-quality")
    for domain in ("support", "challenge"):
        assert quality.items.filter(domain=domain).count() >= 4
    assert quality.is_anonymous
    rating = Instrument.objects.get(organization=None, slug="mentor-competency-rating")
    assert rating.rates_mentor and rating.is_anonymous
    assert {d["key"] for d in rating.domains} == {
        "communication",
        "expectations",
        "understanding",
        "diversity",
        "independence",
        "professional_development",
    }
    assert Instrument.objects.get(organization=None, slug="meeting-pulse").items.count() == 2
    assert Instrument.objects.library().count() == len(SHIPPED)


@given(st.lists(st.integers(min_value=-2, max_value=8), min_size=3, max_size=3))
def test_clean_answers_accepts_exactly_the_likert_points(values: list[int]) -> None:
    from carementor.evaluations.services import EvaluationError, clean_answers

    items = [
        SimpleNamespace(**{**vars(item(key=f"q{n}")), "required": True, "min_value": None})
        for n in range(3)
    ]
    answers = {f"q{n}": v for n, v in enumerate(values)}
    valid = all(1 <= v <= 5 for v in values)
    try:
        clean = clean_answers(items, answers)  # type: ignore[arg-type]
    except EvaluationError as exc:
        assert not valid
        bad = {err["loc"][-1] for err in exc.errors}
        assert bad == {f"q{n}" for n, v in enumerate(values) if not 1 <= v <= 5}
    else:
        assert valid
        scores = score_answers(FakeInstrument(items), {k: v for k, (v, _t) in clean.items()})
        assert 1 <= scores["total"] <= 5
