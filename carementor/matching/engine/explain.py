"""Why a pair scores what it does, in words a mentee or a coordinator can read.

Each reason carries a stable `code` and `params` (codes of specialties, languages …) so the
Django side can translate it, and a default English `text`. The explanation is computed from
the same component values as the score, so `Explanation.score` equals the scorer's number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from carementor.matching.engine import features
from carementor.matching.engine.encode import FORMAT_BITS, ROLE_BITS, Population
from carementor.matching.engine.program import Component, Direction
from carementor.matching.engine.scoring import HardRule, Scorer

Params = dict[str, str | int | float | list[str]]

GOOD = 0.6  # a component at or above this value is a reason for the match
WEAK = 0.35  # below this (with enough weight) it is a soft penalty

HARD_RULE_TEXT = {
    HardRule.SELF: "This is the same person.",
    HardRule.CONFLICT: "A conflict of interest has been declared between you.",
    HardRule.ASSESSES: "One of you assesses the other's work.",
    HardRule.SUPERVISOR: "One of you is the other's direct supervisor.",
    HardRule.SAME_SUPERVISOR: "You both report to the same direct supervisor.",
    HardRule.UNVERIFIED: "The mentor's credentials are not verified yet.",
    HardRule.NO_CAPACITY: "The mentor has no free places.",
    HardRule.NO_SHARED_LANGUAGE: "You have no language in common.",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # e.g. "specialty.same", "hard.no_capacity"
    text: str  # default English sentence
    params: Params = field(default_factory=dict)
    component: Component | None = None
    value: float | None = None
    share: float = 0.0  # this component's share of the score's weight, 0 … 1


@dataclass(frozen=True, slots=True)
class Explanation:
    score: float  # in [0, 1]; -inf when a hard rule excludes the pair
    eligible: bool
    components: dict[str, float | None]  # None: could not be judged for this mentee
    contributions: dict[str, float]  # share x value; they add up to `score`
    reasons: list[Reason]  # the strongest reasons for the match, best first
    penalties: list[Reason]  # soft penalties, the heaviest first
    blocked_by: list[Reason]  # hard rules broken (empty when eligible)

    def summary(self) -> str:
        if not self.eligible:
            return " ".join(r.text for r in self.blocked_by)
        return " ".join(r.text for r in self.reasons[:3])


def _label(code: str, labels: Mapping[str, str] | None) -> str:
    if labels and code in labels:
        return labels[code]
    return code.replace("-", " ").replace("_", " ")


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class _Context:
    def __init__(self, scorer: Scorer, e: int, m: int, labels: Mapping[str, str] | None) -> None:
        self.scorer, self.e, self.m, self.labels = scorer, e, m, labels
        self.a: Population = scorer.a
        self.b: Population = scorer.b
        self.enc = scorer.a.encoder

    def name(self, code: str) -> str:
        return _label(code, self.labels)

    def block(self, pop: Population, row: int) -> tuple[int, ...]:
        return pop.blocks.rows[int(pop.block[row])]


def _specialty(ctx: _Context, value: float) -> tuple[str, str, Params]:
    mine = ctx.a.specialty_sets.rows[int(ctx.a.specialty_set[ctx.e])]
    theirs = ctx.b.specialty_sets.rows[int(ctx.b.specialty_set[ctx.m])]
    affinity = ctx.enc.specialty_affinity()
    best = max(((affinity[i, j], i, j) for i in mine for j in theirs), default=(0.0, -1, -1))
    if best[1] < 0 or value <= 0:
        return "specialty.none", "No specialty in common.", {}
    items = ctx.enc.specialties.items
    params: Params = {"mentee_specialty": items[best[1]], "mentor_specialty": items[best[2]]}
    a, b = ctx.name(items[best[1]]), ctx.name(items[best[2]])
    if value >= 1.0:
        return "specialty.same", f"You both work in {b}.", params
    if value >= 0.5:
        return "specialty.related", f"Their specialty, {b}, is close to yours, {a}.", params
    if value >= 0.25:
        return "specialty.same_tree", f"{b.capitalize()} is in the same field as {a}.", params
    return "specialty.same_group", f"{b.capitalize()} is in your professional group.", params


def _profession(ctx: _Context, value: float) -> tuple[str, str, Params]:
    prof = ctx.block(ctx.b, ctx.m)[0]
    code = ctx.enc.professions.items[prof] if prof >= 0 else ""
    params: Params = {"profession": code}
    if value >= 1.0:
        return "profession.same", f"Same profession ({ctx.name(code)}).", params
    if value >= 0.5:
        return "profession.same_group", "A profession in your professional group.", params
    if code:
        return "profession.other", f"A different profession ({ctx.name(code)}).", params
    return "profession.unknown", "Their profession is not stated.", params


def _career(ctx: _Context, value: float) -> tuple[str, str, Params]:
    mine, theirs = ctx.block(ctx.a, ctx.e)[2], ctx.block(ctx.b, ctx.m)[2]
    if theirs < 0:
        return "career.unknown", "Their career stage is not stated.", {}
    gap = theirs - mine
    params: Params = {"gap": gap}
    reverse = ctx.scorer.settings.direction is Direction.REVERSE
    if gap == 0:
        return "career.same", "At the same career stage as you.", params
    if gap > 0:
        text = f"{gap} career stage{'s' if gap > 1 else ''} ahead of you."
        return ("career.ahead_reverse" if reverse else "career.ahead"), text, params
    text = f"{-gap} career stage{'s' if gap < -1 else ''} earlier than you."
    return ("career.reverse" if reverse else "career.behind"), text, params


def _language(ctx: _Context, value: float) -> tuple[str, str, Params]:
    mine = ctx.a.language_sets.rows[int(ctx.a.language_set[ctx.e])]
    theirs = set(ctx.b.language_sets.rows[int(ctx.b.language_set[ctx.m])])
    if not theirs:
        return "language.unknown", "Their languages are not stated.", {}
    items = ctx.enc.languages.items
    shared = [items[i] for i in mine if i in theirs]
    params: Params = {"languages": shared}
    if value >= 1.0:
        return "language.preferred", f"Speaks your preferred language ({shared[0]}).", params
    return "language.shared", f"You share {_join(shared)}.", params


def _schedule(ctx: _Context, value: float) -> tuple[str, str, Params]:
    mine = ctx.a.hours.table()[ctx.a.hours_code[ctx.e]]
    theirs = ctx.b.hours.table()[ctx.b.hours_code[ctx.m]]
    total = int(np.bitwise_count(mine).sum())
    shared = int(np.bitwise_count(mine & theirs).sum())
    if not np.bitwise_count(theirs).sum():
        return "schedule.unknown", "Their preferred times are not stated.", {}
    params: Params = {"shared_hours": shared, "your_hours": total}
    if shared == 0:
        return "schedule.none", "None of your preferred hours overlap.", params
    return "schedule.overlap", f"{shared} of your {total} preferred hours a week overlap.", params


def _format(ctx: _Context, value: float) -> tuple[str, str, Params]:
    mine = ctx.a.meetings.rows[int(ctx.a.meeting[ctx.e])]
    theirs = ctx.b.meetings.rows[int(ctx.b.meeting[ctx.m])]
    if theirs[0] == 0:
        return "format.unknown", "Their meeting formats are not stated.", {}
    both = [f for f, bit in FORMAT_BITS.items() if mine[0] & theirs[0] & bit]
    params: Params = {"formats": both}
    remote = [f for f in both if f != "in_person"]
    if remote:
        words = _join([f.replace("_", " ") for f in remote])
        return "format.remote", f"You can both meet by {words}.", params
    if both:
        if value >= 1.0:
            return "format.same_city", "You can meet in person in the same city.", params
        if value >= 0.5:
            return (
                "format.same_country",
                "You can meet in person; you are in the same country.",
                params,
            )
        return "format.far", "You both want to meet in person but live far apart.", params
    return "format.none", "No meeting format in common.", params


def _goals(ctx: _Context, value: float) -> tuple[str, str, Params]:
    ids_a, w_a = Scorer._text_row(ctx.a, ctx.e)
    ids_b, w_b = Scorer._text_row(ctx.b, ctx.m)
    common, ia, ib = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    order = np.lexsort((common, -(w_a[ia] * w_b[ib])))[:3]
    terms = ctx.enc.text.terms if ctx.enc.text else []
    words = [terms[int(common[i])] for i in order]
    params: Params = {"words": words}
    if not words:
        return "goals.none", "Your goals and theirs have no words in common.", params
    return "goals.shared", f"Shared goals and interests: {_join(words)}.", params


def _competency(ctx: _Context, value: float) -> tuple[str, str, Params]:
    a, b, e, m = ctx.a, ctx.b, ctx.e, ctx.m
    items = ctx.enc.competencies.items
    zpd = features.zpd_table()
    helps = [
        items[c]
        for c in np.flatnonzero(a.targets[:, e])
        if zpd[a.levels[c, e], b.levels[c, m]] >= 0.7
    ]
    params: Params = {"competencies": helps}
    if not helps:
        return "competency.none", "Not ahead of you in the skills you want to grow.", params
    names = _join([ctx.name(c) for c in helps])
    return "competency.zone", f"Can help you grow in {names}: a level or two ahead of you.", params


def _availability(ctx: _Context, value: float) -> tuple[str, str, Params]:
    hours = int(ctx.b.hours_per_month[ctx.m])
    places = int(ctx.b.capacity[ctx.m]) - int(ctx.b.load[ctx.m])
    params: Params = {"hours_per_month": hours, "free_places": places}
    hours_text = f"{hours} hours a month" if hours >= 0 else "time"
    return "availability", f"Offers {hours_text} and has {max(places, 0)} free place(s).", params


def _role(ctx: _Context, value: float) -> tuple[str, str, Params]:
    sought = ctx.block(ctx.a, ctx.e)[4]
    offered = ctx.block(ctx.b, ctx.m)[3]
    wanted = [r for r, bit in ROLE_BITS.items() if sought & bit]
    both = [r for r, bit in ROLE_BITS.items() if sought & offered & bit]
    if both:
        return "role.offered", f"Offers what you are looking for ({_join(both)}).", {"roles": both}
    return (
        "role.missing",
        f"Does not offer what you are looking for ({_join(wanted)}).",
        {"roles": wanted},
    )


_DESCRIBE = {
    Component.SPECIALTY: _specialty,
    Component.PROFESSION: _profession,
    Component.CAREER: _career,
    Component.LANGUAGE: _language,
    Component.SCHEDULE: _schedule,
    Component.FORMAT: _format,
    Component.GOALS: _goals,
    Component.COMPETENCY: _competency,
    Component.AVAILABILITY: _availability,
    Component.ROLE: _role,
}


def explain(
    scorer: Scorer,
    mentee: int | str,
    mentor: int | str,
    *,
    labels: Mapping[str, str] | None = None,
    top: int = 4,
    values: Mapping[Component, float | None] | None = None,
    with_penalties: bool = True,
) -> Explanation:
    """Explain the pair (mentee, mentor), given as rows or keys of the scorer's populations.

    `labels` maps vocabulary codes (specialties, professions, competencies) to display names
    for the English sentences; the structured params always carry the codes. `values`: the
    pair's components when already computed (``Scorer.components_many``). Only the `top`
    reasons and penalties are described; a run, which stores reasons alone, passes
    ``with_penalties=False`` and none are.
    """
    e = scorer.a.row_of[mentee] if isinstance(mentee, str) else int(mentee)
    m = scorer.b.row_of[mentor] if isinstance(mentor, str) else int(mentor)
    weights = scorer.settings.weights
    values = dict(values) if values is not None else scorer.components(e, m)
    judged = {c: v for c, v in values.items() if v is not None}
    total = sum(weights.of(c) for c in judged)
    contributions = {c.value: weights.of(c) * v / total for c, v in judged.items()}
    score = min(1.0, float(sum(contributions.values())))
    ctx = _Context(scorer, e, m, labels)
    blocked = [
        Reason(code=f"hard.{rule}", text=HARD_RULE_TEXT[rule], params={})
        for rule in scorer.hard_rules(e, m)
    ]
    reasons: list[Reason] = []
    penalties: list[Reason] = []
    for component, value in sorted(judged.items(), key=lambda cv: -weights.of(cv[0]) * cv[1]):
        share = weights.of(component) / total
        if share <= 0:
            continue
        if value >= GOOD:
            if len(reasons) >= top:
                continue  # sorted by weight: later ones would be cut anyway
            code, text, params = _DESCRIBE[component](ctx, value)
            reasons.append(Reason(code, text, params, component, value, share))
        elif value < WEAK and share >= 0.05 and with_penalties:
            code, text, params = _DESCRIBE[component](ctx, value)
            penalties.append(Reason(code, text, params, component, value, share))
    penalties.sort(key=lambda r: -(r.share * (1.0 - (r.value or 0.0))))
    return Explanation(
        score=score if not blocked else float("-inf"),
        eligible=not blocked,
        components={c.value: v for c, v in values.items()},
        contributions=contributions,
        reasons=reasons[:top],
        penalties=penalties[:top],
        blocked_by=blocked,
    )
