"""The anonymity policy of every evaluation result: which groups are shown, and which answers
enter them. Pure functions over response rows; no queries.

The rules, applied to every aggregate (page, PDF, export and API alike):

- A group with fewer respondents than the programme's minimum group size
  (``services.min_group_size_for``) is *withheld*: no mean, count or interval is returned.
- A withheld group must not be recoverable by subtraction. Whenever the parts of a whole are
  shown next to the whole (cohorts of a programme, quadrants of a grid, bands of a
  distribution), the withheld parts together must reach the minimum too; if they do not, the
  smallest shown parts are withheld as well (``withheld_cells``). A filtered view (one cohort,
  one format) is a part as well: it is shown only when its part is shown in that comparison.
- Anonymous answers enter results in whole batches of the minimum group size, oldest first
  and only from before today (``released``), for the whole and again for every part shown.
  Watching the report before and after a known person answers therefore never isolates
  their answer. Named answers are not batched: managers may read them one by one anyway.
- A mentor's own competency ratings follow the same batching (``mentor_competency``).
- Results are computed from ``Response`` rows; only named instruments carry a respondent, so
  only they are paired. Answers are read for Cronbach's alpha only, aggregated in the database
  over the released response ids (``loaders._alpha_by_domain``), never with a person.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from carementor.evaluations.models import Anonymity, Instrument, Occasion
from carementor.evaluations.services import (
    ABSOLUTE_MIN_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    min_group_size_for,
)

__all__ = [
    "ABSOLUTE_MIN_GROUP_SIZE",
    "DEFAULT_MIN_GROUP_SIZE",
    "Filters",
    "Release",
    "Row",
    "filtered_view",
    "group_size",
    "min_group_size_for",
    "part_shown",
    "release_for",
    "released",
    "withheld_cells",
]

K = TypeVar("K", bound=Hashable)


# --- Suppression -----------------------------------------------------------------------------


def withheld_cells(sizes: Mapping[K, int], threshold: int) -> set[K]:
    """The parts of a whole to withhold: every part with 1..threshold-1 people, then, while
    the withheld parts together number fewer than the threshold (their total could be had by
    subtracting the shown parts from the whole), the smallest shown parts as well."""
    withheld = {key for key, n in sizes.items() if 0 < n < threshold}
    if not withheld:
        return withheld
    hidden = sum(sizes[key] for key in withheld)
    shown = sorted(
        ((n, str(key), key) for key, n in sizes.items() if key not in withheld and n > 0),
        key=lambda entry: (entry[0], entry[1]),
    )
    while hidden < threshold and shown:
        n, _label, key = shown.pop(0)
        withheld.add(key)
        hidden += n
    return withheld


# --- Data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    cohort: str = ""
    format: str = ""

    @property
    def active(self) -> bool:
        return bool(self.cohort or self.format)

    def matches(self, cohort: str, fmt: str) -> bool:
        return (not self.cohort or cohort == self.cohort) and (
            not self.format or fmt == self.format
        )


@dataclass(frozen=True)
class Row:
    """One response's scores; ``person`` pairs named responses and is None otherwise."""

    id: Any
    program_id: int
    instrument_id: int
    occasion: str
    cohort: str
    format: str
    person: tuple[int, int | None] | None
    scores: Mapping[str, float]
    submitted_on: datetime.date = datetime.date.min

    @property
    def cell(self) -> tuple[str, str]:
        return (self.cohort, self.format)


def released(rows: Iterable[Row], threshold: int, today: datetime.date) -> list[Row]:
    """Anonymous answers enter results in whole batches of the threshold per occasion, oldest
    first, and only from before today. Every group's shown set then only ever grows by whole
    batches, so comparing a report before and after someone answers never isolates their
    answer. Apply to the whole and again to each part shown."""
    by_occasion: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.submitted_on < today:
            by_occasion[row.occasion].append(row)
    kept: list[Row] = []
    for members in by_occasion.values():
        members.sort(key=lambda r: (r.submitted_on, str(r.id)))
        kept.extend(members[: len(members) // threshold * threshold])
    return kept


Release = Callable[[Sequence[Row]], list[Row]]


def release_for(instrument: Instrument, threshold: int, today: datetime.date) -> Release:
    if instrument.anonymity == Anonymity.NAMED:
        return list
    return lambda rows: released(rows, threshold, today)


def group_size(rows: Iterable[Row], *, named: bool) -> int:
    """How many people a baseline/closure comparison rests on: pairs, or the smaller side."""
    rows = list(rows)
    if named:
        before = {r.person for r in rows if r.occasion == Occasion.BASELINE and r.person}
        after = {r.person for r in rows if r.occasion == Occasion.CLOSURE and r.person}
        return len(before & after)
    return min(
        sum(1 for r in rows if r.occasion == Occasion.BASELINE),
        sum(1 for r in rows if r.occasion == Occasion.CLOSURE),
    )


def part_shown(
    rows: Sequence[Row],
    key: Callable[[Row], Hashable],
    wanted: Hashable,
    threshold: int,
    size: Callable[[Sequence[Row]], int],
    release: Release,
) -> bool:
    """Whether one part (a cohort, a format) of a partition is shown among its siblings."""
    parts: dict[Hashable, list[Row]] = defaultdict(list)
    for row in rows:
        parts[key(row)].append(row)
    if wanted not in parts:
        return False
    sizes = {part: size(release(members)) for part, members in parts.items()}
    return wanted not in withheld_cells(sizes, threshold) and sizes[wanted] >= threshold


def filtered_view(
    rows: Sequence[Row],
    filters: Filters,
    threshold: int,
    size: Callable[[Sequence[Row]], int],
    release: Release = list,
) -> tuple[list[Row], bool]:
    """Rows of the filtered view, and whether the view may be shown. A filtered view is a part
    of the programme (a cohort, a format, or both): it is shown only when that part is shown
    in the comparison of its siblings, by the same rule as the cohort table, so the whole
    minus the shown parts never isolates a small group."""
    view = release([row for row in rows if filters.matches(row.cohort, row.format)])
    if not filters.active:
        return view, size(view) >= threshold
    allowed = size(view) >= threshold
    if filters.cohort:
        allowed = allowed and part_shown(
            rows, lambda r: r.cohort, filters.cohort, threshold, size, release
        )
    if filters.format:
        allowed = allowed and part_shown(
            rows, lambda r: r.format, filters.format, threshold, size, release
        )
    if filters.cohort and filters.format:
        allowed = allowed and part_shown(
            rows, lambda r: r.cell, (filters.cohort, filters.format), threshold, size, release
        )
    return view, allowed
