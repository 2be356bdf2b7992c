"""The WHO-5 Well-Being Index and the single-item burnout measure: items, scales and scores.

No Django models here: pages, the API and the tests share these definitions. The thresholds
are screening cut-offs from the literature, used only to decide when to offer help — never
to label anyone.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Over the last two weeks… (Topp et al. 2015; the 1998 WHO-5, current English wording).
ITEMS = (
    _("I have felt cheerful and in good spirits"),
    _("I have felt calm and relaxed"),
    _("I have felt active and vigorous"),
    _("I woke up feeling fresh and rested"),
    _("My daily life has been filled with things that interest me"),
)
STEM = _("Over the last two weeks…")
SCALE = (
    (5, _("All of the time")),
    (4, _("Most of the time")),
    (3, _("More than half of the time")),
    (2, _("Less than half of the time")),
    (1, _("Some of the time")),
    (0, _("At no time")),
)
ACKNOWLEDGEMENT = _(
    "The WHO-5 Well-Being Index is © Psychiatric Centre North Zealand, Mental Health Services "
    "of the Capital Region of Denmark, and free to use. Topp CW, Østergaard SD, Søndergaard S, "
    "Bech P. The WHO-5 Well-Being Index: a systematic review of the literature. Psychother "
    "Psychosom 2015;84:167–176."
)

# Percentage scores (raw 0-25, times 4). At or below 50: poor well-being; at or below 28: the
# usual screening threshold for likely depression — a reason to talk to someone, not a
# diagnosis.
POOR_AT_OR_BELOW = 50
SCREENING_AT_OR_BELOW = 28

# The single-item burnout measure (Rohland, Kruse and Rohrer 2004; validated against the
# Maslach Burnout Inventory by Dolan et al. 2015). 3 or more means symptoms of burnout.
BURNOUT_QUESTION = _(
    "Using your own definition of burnout, which one of these best describes you at the moment?"
)
BURNOUT_SCALE = (
    (1, _("I enjoy my work. I have no symptoms of burnout.")),
    (
        2,
        _(
            "Occasionally I am under stress, and I don't always have as much energy as I once did, but I don't feel burned out."
        ),
    ),
    (
        3,
        _(
            "I am definitely burning out and have one or more symptoms of burnout, such as physical and emotional exhaustion."
        ),
    ),
    (
        4,
        _(
            "The symptoms of burnout that I'm experiencing won't go away. I think about frustration at work a lot."
        ),
    ),
    (
        5,
        _(
            "I feel completely burned out and often wonder if I can go on. I am at the point where I may need some changes or may need to seek some sort of help."
        ),
    ),
)
BURNOUT_FROM = 3


def raw_score(answers: Sequence[int]) -> int:
    """The sum of the five answers, 0 to 25."""
    if len(answers) != len(ITEMS) or any(not 0 <= a <= 5 for a in answers):
        raise ValueError("WHO-5 needs five answers from 0 to 5")
    return sum(answers)


def percentage(answers: Sequence[int]) -> int:
    """The raw score times 4: 0 (worst imaginable well-being) to 100 (best)."""
    return raw_score(answers) * 4


@dataclass(frozen=True)
class Reading:
    """What a score suggests, in words for the person who took it."""

    score: int
    burnout: int

    @property
    def is_poor(self) -> bool:
        return self.score <= POOR_AT_OR_BELOW

    @property
    def is_below_screening(self) -> bool:
        return self.score <= SCREENING_AT_OR_BELOW

    @property
    def has_burnout_symptoms(self) -> bool:
        return self.burnout >= BURNOUT_FROM

    @property
    def needs_signposting(self) -> bool:
        return self.is_poor or self.has_burnout_symptoms

    @property
    def band(self) -> str:
        if self.is_below_screening:
            return "low"
        if self.is_poor:
            return "poor"
        return "good"

    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])


BAND_LABELS = {
    "good": _("Doing reasonably well"),
    "poor": _("Lower than usual well-being"),
    "low": _("Low well-being"),
}
