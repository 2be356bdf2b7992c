"""Profiles encoded once into arrays, so that scoring is a handful of vectorised lookups.

An `Encoder` holds the vocabularies that two populations must share to be compared
(specialties, languages, competencies, places, people's keys, the TF-IDF model). A
`Population` is a set of people encoded against an encoder: each categorical part of a
profile becomes a small integer code into a table of the distinct values seen (most people
share their specialty set, language set, weekly hours …), so scoring one mentee against a
million mentors computes each part once per distinct value and then gathers it per row.

Encoding is incremental: `Population.update(row, person)` re-encodes one row in place and
`Population.extend(people)` appends rows into spare capacity.
"""

from __future__ import annotations

import math
import zoneinfo
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeVar, cast

import numpy as np
import scipy.sparse as sp

from carementor.matching.engine.people import MeetingFormat, MentoringRole, Person, Slot, Taxonomy
from carementor.matching.engine.text import TfIdf

T = TypeVar("T")

FORMAT_BITS = {f.value: 1 << i for i, f in enumerate(MeetingFormat)}
IN_PERSON_BIT = FORMAT_BITS[MeetingFormat.IN_PERSON.value]
ROLE_BITS = {r.value: 1 << i for i, r in enumerate(MentoringRole)}
HOURS_WORDS = 3  # a week of hours, 168 bits, in three uint64 words

# Local hours of each slot: (days, first hour, end hour); night runs across midnight.
_WEEKDAYS, _WEEKEND, _ALL = range(5), range(5, 7), range(7)
SLOT_HOURS: dict[str, tuple[range, int, int]] = {
    Slot.WEEKDAY_MORNING: (_WEEKDAYS, 7, 12),
    Slot.WEEKDAY_AFTERNOON: (_WEEKDAYS, 12, 17),
    Slot.WEEKDAY_EVENING: (_WEEKDAYS, 17, 22),
    Slot.WEEKEND_MORNING: (_WEEKEND, 7, 12),
    Slot.WEEKEND_AFTERNOON: (_WEEKEND, 12, 17),
    Slot.WEEKEND_EVENING: (_WEEKEND, 17, 22),
    Slot.NIGHT: (_ALL, 22, 26),
}
# Offsets are read at one fixed instant so that an encoding never changes with the date.
_REFERENCE_INSTANT = datetime(2025, 1, 15, 12, tzinfo=UTC)


class Vocab:
    """A growing code → index mapping."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []
        for item in items:
            self.id(item)

    def id(self, item: str) -> int:
        found = self.index.get(item)
        if found is None:
            found = self.index[item] = len(self.items)
            self.items.append(item)
        return found

    def get(self, item: str | None) -> int:
        if item is None:
            return -1
        return self.index.get(item, -1)

    def __len__(self) -> int:
        return len(self.items)


class Codebook:
    """Distinct tuples of small integers, each with a code, and their padded table."""

    def __init__(self, fill: int = -1, dtype: type = np.int32) -> None:
        self.fill = fill
        self.dtype = dtype
        self.codes: dict[Hashable, int] = {}
        self.rows: list[tuple[int, ...]] = []
        self._table: np.ndarray | None = None
        self._built = 0  # rows of `rows` already in `_table`

    def code(self, row: tuple[int, ...]) -> int:
        found = self.codes.get(row)
        if found is None:
            found = self.codes[row] = len(self.rows)
            self.rows.append(row)
        return found

    def table(self) -> np.ndarray:
        """(distinct values x widest row), padded with `fill`; at least one column.

        New codes are appended to the cached table, so a re-encoded row costs O(1) here.
        """
        width = max((len(r) for r in self.rows[self._built :]), default=1) or 1
        if self._table is None or width > self._table.shape[1]:
            width = max(width, self._table.shape[1] if self._table is not None else 1)
            self._table, self._built = np.full((0, width), self.fill, dtype=self.dtype), 0
        if self._built < len(self.rows):
            fresh: np.ndarray = np.full(
                (len(self.rows) - self._built, self._table.shape[1]), self.fill, dtype=self.dtype
            )
            for i, row in enumerate(self.rows[self._built :]):
                fresh[i, : len(row)] = row
            self._table = np.concatenate([self._table, fresh]) if self._built else fresh
            self._built = len(self.rows)
        return self._table

    def __len__(self) -> int:
        return len(self.rows)


@lru_cache(maxsize=1024)
def utc_offset_hours(timezone: str | None) -> int:
    if not timezone:
        return 0
    try:
        offset = zoneinfo.ZoneInfo(timezone).utcoffset(_REFERENCE_INSTANT)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    return math.floor((offset.total_seconds() if offset else 0.0) / 3600 + 0.5)


@lru_cache(maxsize=4096)
def week_hours(offset: int, slots: tuple[str, ...]) -> tuple[int, ...]:
    """The 168 hours of a UTC week covered by local slots, as three 56-bit words."""
    bits = 0
    for slot in slots:
        days, first, end = SLOT_HOURS.get(slot, (range(0), 0, 0))
        for day in days:
            for hour in range(first, end):
                bits |= 1 << ((day * 24 + hour - offset) % 168)
    return tuple((bits >> (56 * w)) & ((1 << 56) - 1) for w in range(HOURS_WORDS))


def _mask(values: Iterable[str], bits: dict[str, int]) -> int:
    mask = 0
    for value in values:
        mask |= bits.get(value, 0)
    return mask


class Encoder:
    """Vocabularies shared by every population that will be compared with another."""

    def __init__(self, taxonomy: Taxonomy | None = None, text: TfIdf | None = None) -> None:
        self.taxonomy = taxonomy or Taxonomy()
        self.specialties = Vocab(self.taxonomy.specialty_parent)
        self.professions = Vocab()
        self.groups = Vocab()
        self.languages = Vocab()
        self.competencies = Vocab()
        self.countries = Vocab()
        self.cities = Vocab()
        self.keys = Vocab()
        self.text = text
        self._affinity: np.ndarray | None = None

    def fit_text(self, people: Iterable[Person]) -> None:
        """Fit the goals-and-interests model (by default: on the first population encoded).

        Fit it on everyone who will be compared (mentees and mentors) when both are known.
        """
        self.text = TfIdf().fit(_text_of(p) for p in people)

    def population(self, people: Sequence[Person]) -> Population:
        if self.text is None:
            self.fit_text(people)
        return Population(self, people)

    def specialty_affinity(self) -> np.ndarray:
        """(V+1)² matrix of how close two specialties are; the last row/column is "none".

        1 for the same specialty, 0.7 a parent or child, 0.5 two steps apart (siblings),
        0.35 three steps, 0.25 further in the same tree, 0.1 the same profession group.
        """
        size = len(self.specialties)
        if self._affinity is not None and self._affinity.shape[0] == size + 1:
            return self._affinity
        codes = self.specialties.items
        chains = [self.taxonomy.ancestors(c) for c in codes]
        depth_of = [{a: d for d, a in enumerate(chain)} for chain in chains]
        groups = [self.taxonomy.specialty_group.get(c) for c in codes]
        by_steps = (1.0, 0.7, 0.5, 0.35)
        matrix = np.zeros((size + 1, size + 1), dtype=np.float32)
        for i in range(size):
            for j in range(i, size):
                value = 0.0
                for dj, ancestor in enumerate(chains[j]):
                    di = depth_of[i].get(ancestor)
                    if di is not None:
                        steps = di + dj
                        value = by_steps[steps] if steps < len(by_steps) else 0.25
                        break
                if value == 0.0 and groups[i] is not None and groups[i] == groups[j]:
                    value = 0.1
                matrix[i, j] = matrix[j, i] = value
        self._affinity = matrix
        return matrix


def _text_of(person: Person) -> str:
    return f"{person.goals}\n{person.interests}".strip()


class Population:
    """People encoded into arrays; row i is `keys[i]`."""

    # One entry per row (with spare capacity beyond `n`); codes index the codebooks.
    key_id: np.ndarray
    block: np.ndarray
    specialty_set: np.ndarray
    language_set: np.ndarray
    hours_code: np.ndarray
    meeting: np.ndarray
    capacity: np.ndarray
    load: np.ndarray
    hours_per_month: np.ndarray
    verified: np.ndarray
    supervisor: np.ndarray
    # (competency x row), levels 0 (not rated) … 5; targets 0 when not a growth target.
    levels: np.ndarray
    targets: np.ndarray

    def __init__(self, encoder: Encoder, people: Sequence[Person]) -> None:
        self.encoder = encoder
        self.version = 0
        self.keys: list[str] = []
        self.row_of: dict[str, int] = {}
        self.blocks = Codebook()  # (profession, group, rank, roles offered, roles sought)
        self.specialty_sets = Codebook()
        self.language_sets = Codebook()  # first = preferred
        self.hours = Codebook(fill=0, dtype=np.uint64)
        self.meetings = Codebook()  # (format mask, country, city)
        self.n = 0
        self._allocate(max(len(people), 1))
        self.conflicts: dict[int, frozenset[int]] = {}  # row → key ids declared
        self.conflicted_by: dict[int, set[int]] = {}  # key id → rows that declared it
        self.assesses: dict[int, frozenset[int]] = {}
        self.assessed_by: dict[int, set[int]] = {}
        self.supervised_by: dict[int, set[int]] = {}  # supervisor key id → rows
        self._text_main = sp.csr_matrix((0, 1), dtype=np.float64)
        self._text_columns: sp.csc_matrix | None = None
        self.text_overrides: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._cache: dict[str, tuple[int, object]] = {}
        self.updated: dict[int, int] = {}  # row → version at its last re-encoding
        self.extend(people)

    # -- storage ------------------------------------------------------------------------

    _COLUMNS = (
        ("key_id", np.int32, -1),
        ("block", np.int32, 0),
        ("specialty_set", np.int32, 0),
        ("language_set", np.int32, 0),
        ("hours_code", np.int32, 0),
        ("meeting", np.int32, 0),
        ("capacity", np.int16, 0),
        ("load", np.int16, 0),
        ("hours_per_month", np.int16, -1),
        ("verified", np.bool_, False),
        ("supervisor", np.int32, -1),
    )

    def _allocate(self, size: int) -> None:
        for name, dtype, fill in self._COLUMNS:
            old = getattr(self, name, None)
            column = np.full(size, fill, dtype=dtype)
            if old is not None:
                column[: self.n] = old[: self.n]
            setattr(self, name, column)
        width = max(len(self.encoder.competencies), 8)
        self._resize_competencies(width, size)

    def _resize_competencies(self, width: int, size: int) -> None:
        # Column-major (competency x person): scoring reads one competency for everyone.
        for name in ("levels", "targets"):
            old = getattr(self, name, None)
            grid = np.zeros((width, size), dtype=np.uint8)
            if old is not None:
                rows, cols = min(old.shape[0], width), min(old.shape[1], size)
                grid[:rows, :cols] = old[:rows, :cols]
            setattr(self, name, grid)

    @property
    def capacity_rows(self) -> int:
        return len(self.key_id)

    def __len__(self) -> int:
        return self.n

    # -- encoding -----------------------------------------------------------------------

    _SCALARS = (
        "key_id",
        "block",
        "specialty_set",
        "language_set",
        "hours_code",
        "meeting",
        "capacity",
        "load",
        "hours_per_month",
        "verified",
        "supervisor",
    )

    def extend(self, people: Sequence[Person]) -> None:
        needed = self.n + len(people)
        if needed > self.capacity_rows:
            self._allocate(max(needed, int(self.capacity_rows * 1.5) + 16))
        start = self.n
        scalars: list[tuple[int, ...]] = []
        skills: list[tuple[int, int, int, int]] = []  # (competency, row, level, target)
        for offset, person in enumerate(people):
            if person.key in self.row_of:
                raise ValueError(f"duplicate person key {person.key!r}")
            row = start + offset
            self.row_of[person.key] = row
            self.keys.append(person.key)
            scalars.append(self._encode_row(row, person, skills))
        self.n = needed
        if scalars:
            columns = list(zip(*scalars, strict=True))
            for name, values in zip(self._SCALARS, columns, strict=True):
                getattr(self, name)[start:needed] = values
        self._write_competencies(skills)
        text = self.encoder.text
        if text is not None and people:
            if start == 0 and not self.text_overrides:
                self._text_main = text.matrix([_text_of(p) for p in people])
                self._text_columns = None
            else:
                for offset, person in enumerate(people):
                    self.text_overrides[start + offset] = text.vector(_text_of(person))
                self._maybe_compact_text()
        self.version += 1

    def update(self, row: int, person: Person) -> None:
        """Re-encode one row (its key must stay the same)."""
        if not 0 <= row < self.n or self.keys[row] != person.key:
            raise ValueError("update must keep the row's key")
        self._forget_relations(row)
        skills: list[tuple[int, int, int, int]] = []
        values = self._encode_row(row, person, skills)
        for name, value in zip(self._SCALARS, values, strict=True):
            getattr(self, name)[row] = value
        self.levels[:, row] = 0
        self.targets[:, row] = 0
        self._write_competencies(skills)
        if self.encoder.text is not None:
            self.text_overrides[row] = self.encoder.text.vector(_text_of(person))
            self._maybe_compact_text()
        self.version += 1
        self.updated[row] = self.version

    def _encode_row(
        self, row: int, person: Person, skills: list[tuple[int, int, int, int]]
    ) -> tuple[int, ...]:
        """The row's scalar columns (in `_SCALARS` order); records its relations and skills."""
        enc = self.encoder
        group = person.profession_group
        block = self.blocks.code(
            (
                enc.professions.id(person.profession) if person.profession else -1,
                enc.groups.id(group) if group else -1,
                person.career_rank if person.career_rank is not None else -1,
                _mask(person.roles_offered, ROLE_BITS),
                _mask(person.roles_sought, ROLE_BITS),
            )
        )
        specialties = tuple(sorted({enc.specialties.id(s) for s in person.specialties}))
        languages = tuple(dict.fromkeys(enc.languages.id(code) for code in person.languages))
        offset = utc_offset_hours(person.timezone)
        city = person.city.strip().casefold() if person.city else ""
        meeting = (
            _mask(person.meeting_formats, FORMAT_BITS),
            enc.countries.id(person.country) if person.country else -1,
            enc.cities.id(f"{person.country}|{city}") if city else -1,
        )
        supervisor = enc.keys.id(person.supervisor) if person.supervisor else -1
        if supervisor >= 0:
            self.supervised_by.setdefault(supervisor, set()).add(row)
        if person.conflicts:
            conflicts = frozenset(enc.keys.id(k) for k in person.conflicts)
            self.conflicts[row] = conflicts
            for key in conflicts:
                self.conflicted_by.setdefault(key, set()).add(row)
        if person.assesses:
            assesses = frozenset(enc.keys.id(k) for k in person.assesses)
            self.assesses[row] = assesses
            for key in assesses:
                self.assessed_by.setdefault(key, set()).add(row)
        competency = enc.competencies.id
        targets = person.targets
        for code, level in person.competencies.items():
            target = targets.get(code, 0)
            skills.append((competency(code), row, level, target if target > level else 0))
        for code, target in targets.items():
            if code not in person.competencies and target > 1:
                skills.append((competency(code), row, 1, target))
        return (
            enc.keys.id(person.key),
            block,
            self.specialty_sets.code(specialties),
            self.language_sets.code(languages),
            self.hours.code(week_hours(offset, tuple(person.preferred_slots))),
            self.meetings.code(meeting),
            max(0, min(person.capacity, 10_000)),
            max(0, min(person.active_mentees, 10_000)),
            -1 if person.hours_per_month is None else min(max(person.hours_per_month, 0), 10_000),
            person.verified,
            supervisor,
        )

    def sync_vocabulary(self) -> None:
        """Grow the competency grid to the encoder's vocabulary (another population may
        have added competencies since this one was encoded)."""
        if len(self.encoder.competencies) > self.levels.shape[0]:
            width = max(len(self.encoder.competencies), self.levels.shape[0] * 2)
            self._resize_competencies(width, self.capacity_rows)

    def _write_competencies(self, skills: list[tuple[int, int, int, int]]) -> None:
        self.sync_vocabulary()
        if skills:
            c, r, level, target = np.array(skills, dtype=np.int64).T
            self.levels[c, r] = np.clip(level, 0, 5)
            self.targets[c, r] = np.clip(target, 0, 5)

    def _forget_relations(self, row: int) -> None:
        for key in self.conflicts.pop(row, frozenset()):
            self.conflicted_by.get(key, set()).discard(row)
        for key in self.assesses.pop(row, frozenset()):
            self.assessed_by.get(key, set()).discard(row)
        supervisor = int(self.supervisor[row])
        if supervisor >= 0:
            self.supervised_by.get(supervisor, set()).discard(row)

    # -- text ---------------------------------------------------------------------------

    def _maybe_compact_text(self) -> None:
        # Overrides are patched into each search; fold them in once they cost more than a
        # rebuild would (a few per cent of the rows).
        if len(self.text_overrides) > max(64, self.n // 32):
            self.compact_text()

    def compact_text(self) -> None:
        """Fold re-encoded and appended rows into the main TF-IDF matrix (O(non-zeros))."""
        main, n = self._text_main, self.n
        width = max(len(self.encoder.text.terms), 1) if self.encoder.text else 1
        if not self.text_overrides and main.shape == (n, width):
            return
        m = min(main.shape[0], n)
        lengths = np.zeros(n, dtype=np.int64)
        lengths[:m] = np.diff(main.indptr[: m + 1])
        keep = np.ones(m, dtype=bool)
        for row, (ids, _) in self.text_overrides.items():
            lengths[row] = len(ids)
            if row < m:
                keep[row] = False
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.int32)
        data = np.empty(indptr[-1], dtype=np.float64)
        entry_row = np.repeat(np.arange(m), np.diff(main.indptr[: m + 1]))
        kept = keep[entry_row]
        source = np.flatnonzero(kept)
        rows = entry_row[kept]
        target = indptr[rows] + (source - main.indptr[rows])
        indices[target] = main.indices[source]
        data[target] = main.data[source]
        for row, (ids, weights) in self.text_overrides.items():
            indices[indptr[row] : indptr[row + 1]] = ids
            data[indptr[row] : indptr[row + 1]] = weights
        self._text_main = sp.csr_matrix((data, indices, indptr), shape=(n, width))
        self._text_columns = None
        self.text_overrides = {}

    def text_matrix(self) -> sp.csr_matrix:
        """Everyone's current TF-IDF rows (compacts pending re-encodings first)."""
        self.compact_text()
        return self._text_main

    def text_columns(self) -> sp.csc_matrix:
        """The compacted TF-IDF matrix by term (posting lists); overrides not applied."""
        if self._text_columns is None:
            self._text_columns = self._text_main.tocsc()
        return self._text_columns

    # -- derived ------------------------------------------------------------------------

    def spare(self) -> np.ndarray:
        """Places still free per row (capacity minus current mentees)."""
        return self.capacity[: self.n].astype(np.int32) - self.load[: self.n]

    def cached(self, name: str, build: Callable[[], T]) -> T:
        """A value derived from the rows, rebuilt after any change to them."""
        found = self._cache.get(name)
        if found is None or found[0] != self.version:
            found = self._cache[name] = (self.version, build())
        return cast(T, found[1])

    def row_of_key_id(self) -> dict[int, int]:
        return self.cached(
            "row_of_key_id", lambda: {int(k): i for i, k in enumerate(self.key_id[: self.n])}
        )
