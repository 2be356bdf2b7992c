"""The questionnaire's scoring and the worrying-words detector: plain functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.lib.worry import worrying_words
from carementor.wellbeing import helplines, who5


def test_scores_are_the_raw_sum_times_four():
    assert who5.raw_score([5, 5, 5, 5, 5]) == 25
    assert who5.percentage([5, 5, 5, 5, 5]) == 100
    assert who5.percentage([0, 0, 0, 0, 0]) == 0
    assert who5.percentage([3, 2, 3, 2, 3]) == 52


@given(st.lists(st.integers(0, 5), min_size=5, max_size=5))
def test_every_percentage_is_a_multiple_of_four_within_range(answers):
    score = who5.percentage(answers)
    assert 0 <= score <= 100 and score % 4 == 0


@pytest.mark.parametrize("answers", [[1, 2, 3, 4], [1, 2, 3, 4, 6], [-1, 0, 0, 0, 0]])
def test_wrong_answers_are_refused(answers):
    with pytest.raises(ValueError):
        who5.raw_score(answers)


@pytest.mark.parametrize(
    ("score", "burnout", "band", "signpost"),
    [
        (100, 1, "good", False),
        (52, 2, "good", False),
        (52, 3, "good", True),  # burnout symptoms alone bring signposting
        (50, 1, "poor", True),
        (32, 2, "poor", True),
        (28, 1, "low", True),
        (0, 5, "low", True),
    ],
)
def test_the_reading_follows_the_published_cut_offs(score, burnout, band, signpost):
    reading = who5.Reading(score=score, burnout=burnout)
    assert reading.band == band
    assert reading.needs_signposting is signpost


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Honestly I can\u2019t go on like this", ["can't go on"]),
        ("Some days I want to DIE after a night shift", ["want to die"]),
        ("I feel   hopeless and worthless", ["hopeless", "worthless"]),
        ("मैं अब जीना नहीं चाहती", ["जीना नहीं चाहती"]),
        ("thinking about self-harm again", ["self-harm"]),
    ],
)
def test_worrying_words_are_found(text, found):
    assert worrying_words(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I killed it in the viva today!",
        "The patient was hopelessly lost in the corridor",  # not the word 'hopeless'
        "Shall we meet on Thursday about the fellowship?",
    ],
)
def test_ordinary_words_are_not_worrying(text):
    assert worrying_words(text) == []


def test_every_helpline_says_when_it_was_checked_and_india_has_tele_manas():
    assert all(h.checked_on and h.source.startswith("https://") for h in helplines.HELPLINES)
    india = helplines.for_countries(["IN"])
    assert india[0].emergency  # the emergency number first
    assert any(h.name == "Tele-MANAS" and h.phone == "14416" for h in india)
    assert {"IN", "GB", "US"} <= set(helplines.countries())
