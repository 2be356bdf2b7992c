"""Encoded mentor pools: each programme's mentors, encoded once, for suggestions at any size.

A pool holds, per programme, the engine's `Population` of every approved mentor enrolment
(row i = one mentor) and the per-mentor facts that per-request filters need (paused, active,
verified, capacity and seats, preferred slots). Suggestions encode only the mentee, score
the whole pool in one vectorised pass and turn every filter (capacity, pause, verification,
dismissed, already asked, the page's filters) into a boolean mask over the rows.

Where it lives: the Django cache (Redis when ``REDIS_URL`` is set, so every process and
machine shares it), as one pickled blob and a small stamp ``(build, version)``; each process
keeps its own unpickled copy while the stamp is unchanged, so a request reads a few bytes
from the cache, not megabytes.

How it stays current:

- ``mentors_changed()`` is called (through the receivers in ``matching/apps.py`` and by
  services doing bulk SQL) whenever a profile, enrolment, credential or account changes; after
  commit it re-encodes only those mentors' rows, under a cache lock, and bumps the version.
- No request builds a big pool: ``seed_demo`` (``warm``) and every invalidation enqueue the
  background build (``tasks.rebuild_pool``). A request that finds no pool is served the last
  built version while that runs, else, for a programme of more than ``INLINE_BUILD``
  mentors, a bounded stand-in of its mentors with the most free places (``bounded``); only
  a small programme's missing pool is built in the request (once, under a lock). A pool that
  is stale (built on another day, so expiry dates may have passed, or older than
  ``MAX_AGE``, so the text model may have drifted) is served as is while a background task
  rebuilds it.
- Whatever the pool says, the final top-k rows are re-checked in one query against the
  database's current state (``suggestions.suggest``), so a full, paused or unverified mentor
  is never shown even if the pool lags behind a change.
"""

import logging
import pickle
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials.models import matchable_mentors
from carementor.matching import profiles_adapter as adapter
from carementor.matching.engine import Encoder, Person, Population
from carementor.matching.engine.encode import FORMAT_BITS, ROLE_BITS
from carementor.profiles.models import Slot
from carementor.programs.models import Enrollment, Program

log = logging.getLogger(__name__)

MAX_AGE = timedelta(hours=6)
BUILD_CHUNK = 2000  # mentors encoded per batch of queries when building
LOCK_SECONDS = 120
SLOT_BITS = {value: 1 << i for i, value in enumerate(Slot.values)}
MENTOR_ROLES = (Enrollment.Role.MENTOR, Enrollment.Role.BOTH)
_LOCAL_LIMIT = 64  # pools kept unpickled per process
INLINE_BUILD = 3000  # mentors up to which a missing pool is built in the request
BOUNDED_MENTORS = 1000  # mentors in the stand-in served while a big pool is built
BOUNDED_SECONDS = 60.0


@dataclass
class MentorPool:
    """One programme's encoded mentors and the facts the per-request masks read."""

    program_code: str
    verification_kind: str
    build: str  # a fresh token per full build
    version: int  # bumped by every incremental change
    built_on: date  # verification was judged on this day
    built_at: datetime
    mentors: Population
    user_ids: np.ndarray  # int64 per row
    present: np.ndarray  # approved mentor enrolment of an active account
    paused: np.ndarray
    slots: np.ndarray  # uint8 bits of the profile's preferred slots
    row_of_user: dict[int, int] = field(default_factory=dict)
    partial: bool = False  # a bounded stand-in (``bounded``), not every mentor
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()

    @property
    def n(self) -> int:
        return self.mentors.n

    @property
    def stamp(self) -> tuple[str, int]:
        return (self.build, self.version)

    def is_stale(self, program: Program) -> bool:
        return (
            self.built_on != timezone.localdate()
            or timezone.now() - self.built_at > MAX_AGE
            or self.verification_kind != program.verification_kind
        )

    # -- masks ----------------------------------------------------------------------------

    def eligible(self) -> np.ndarray:
        """Rows that may be suggested at all: enrolled, active, unpaused, verified, not full."""
        m = self.mentors
        n = m.n
        free = m.capacity[:n].astype(np.int32) > m.load[:n]
        return self.present[:n] & ~self.paused[:n] & m.verified[:n] & free

    def rows_of(self, user_ids: Iterable[int]) -> np.ndarray:
        found = [self.row_of_user[u] for u in user_ids if u in self.row_of_user]
        return np.asarray(found, dtype=np.int64)

    def filter_mask(self, filters: dict[str, str]) -> np.ndarray:
        """The page's filters (profession, specialty, language, role, format, slot) as a mask."""
        m, enc = self.mentors, self.mentors.encoder
        mask = np.ones(m.n, dtype=bool)

        def codes_where(
            rows: list[tuple[int, ...]], test: Callable[[tuple[int, ...]], bool]
        ) -> list[int]:
            return [code for code, row in enumerate(rows) if test(row)]

        if filters.get("profession"):
            wanted = enc.professions.get(filters["profession"])
            codes = codes_where(m.blocks.rows, lambda r: wanted >= 0 and r[0] == wanted)
            mask &= np.isin(m.block[: m.n], codes)
        if filters.get("role"):
            bit = ROLE_BITS.get(filters["role"], 0)
            codes = codes_where(m.blocks.rows, lambda r: bool(r[3] & bit))
            mask &= np.isin(m.block[: m.n], codes)
        if filters.get("specialty"):
            wanted = enc.specialties.get(filters["specialty"])
            codes = codes_where(m.specialty_sets.rows, lambda r: wanted >= 0 and wanted in r)
            mask &= np.isin(m.specialty_set[: m.n], codes)
        if filters.get("language"):
            wanted = enc.languages.get(filters["language"])
            codes = codes_where(m.language_sets.rows, lambda r: wanted >= 0 and wanted in r)
            mask &= np.isin(m.language_set[: m.n], codes)
        if filters.get("format"):
            bit = FORMAT_BITS.get(filters["format"], 0)
            codes = codes_where(m.meetings.rows, lambda r: bool(r[0] & bit))
            mask &= np.isin(m.meeting[: m.n], codes)
        if filters.get("slot"):
            mask &= (self.slots[: m.n] & SLOT_BITS.get(filters["slot"], 0)) > 0
        return mask

    def tie_rank(self) -> np.ndarray:
        """Each row's position in key order: equal scores are listed by the mentor's code."""
        keys = self.mentors.keys

        def build() -> np.ndarray:
            rank = np.empty(len(keys), dtype=np.int64)
            rank[np.argsort(np.asarray(keys, dtype=object), kind="stable")] = np.arange(len(keys))
            return rank

        return self.mentors.cached("tie_rank", build)

    # -- rows -------------------------------------------------------------------------------

    def _grow(self, size: int) -> None:
        if size <= len(self.present):
            return
        size = max(size, int(len(self.present) * 1.5) + 16)
        for name, fill in (("user_ids", 0), ("present", False), ("paused", False), ("slots", 0)):
            old = getattr(self, name)
            new = np.full(size, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def put(self, user_id: int, row: "MentorRow | None") -> bool:
        """Re-encode one mentor (None: no longer an approved mentor here); False if the
        pool did not change."""
        at = self.row_of_user.get(user_id)
        if row is None:
            if at is None or not self.present[at]:
                return False
            self.present[at] = False
            self.mentors.version += 1
            return True
        if at is None:
            self.mentors.extend([row.person])
            at = self.mentors.n - 1
            self.row_of_user[user_id] = at
            self._grow(self.mentors.n)
            self.user_ids[at] = user_id
        else:
            self.mentors.update(at, row.person)
        self.present[at] = True
        self.paused[at] = row.paused
        self.slots[at] = row.slots
        return True


@dataclass
class MentorRow:
    person: Person
    paused: bool
    slots: int


def _slot_bits(person: Person) -> int:
    bits = 0
    for slot in person.preferred_slots:
        bits |= SLOT_BITS.get(slot, 0)
    return bits


def _rows(
    program: Program, seats: dict[int, tuple[int, int, bool]]
) -> Iterator[tuple[int, MentorRow]]:
    """Mentor rows for the users in `seats` (user id → capacity, seats taken, paused)."""
    ids = list(seats)
    for lo in range(0, len(ids), BUILD_CHUNK):
        chunk = ids[lo : lo + BUILD_CHUNK]
        verified = set(
            matchable_mentors(
                User.objects.filter(pk__in=chunk), verification_kind=program.verification_kind
            ).values_list("pk", flat=True)
        )
        people = adapter.people(chunk)
        for user_id in chunk:
            if user_id not in people:
                continue
            capacity, taken, paused = seats[user_id]
            person = adapter.with_seats(
                people[user_id], capacity=capacity, load=taken, verified=user_id in verified
            )
            yield user_id, MentorRow(person=person, paused=paused, slots=_slot_bits(person))


def _seats(
    program: Program, user_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int, bool]]:
    qs = program.enrollments.approved().mentors().filter(user__is_active=True)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return {
        user_id: (capacity, taken, paused_at is not None)
        for user_id, capacity, taken, paused_at in qs.order_by("user_id").values_list(
            "user_id", "capacity", "seats_taken", "paused_at"
        )
    }


def build(program: Program, seats: dict[int, tuple[int, int, bool]] | None = None) -> MentorPool:
    """Encode every approved mentor of the programme (or those of `seats`; queries grow
    with the pool: ~7 per 2,000 mentors). The text model is fitted on the mentors' goals
    and interests."""
    rows = list(_rows(program, _seats(program) if seats is None else seats))
    encoder = Encoder(adapter.taxonomy())
    encoder.fit_text([r.person for _uid, r in rows])
    population = encoder.population([r.person for _uid, r in rows])
    n = len(rows)
    pool = MentorPool(
        program_code=program.code,
        verification_kind=program.verification_kind,
        build=secrets.token_hex(6),
        version=0,
        built_on=timezone.localdate(),
        built_at=timezone.now(),
        mentors=population,
        user_ids=np.array([uid for uid, _r in rows], dtype=np.int64),
        present=np.ones(n, dtype=bool),
        paused=np.array([r.paused for _uid, r in rows], dtype=bool),
        slots=np.array([r.slots for _uid, r in rows], dtype=np.uint8),
        row_of_user={uid: i for i, (uid, _r) in enumerate(rows)},
    )
    population.compact_text()
    return pool


# -- storage ----------------------------------------------------------------------------------

_local: dict[str, MentorPool] = {}
_local_lock = threading.Lock()


def _key(code: str, part: str) -> str:
    return f"matching:pool:{code}:{part}"


def _save(pool: MentorPool) -> None:
    blob = pickle.dumps(pool, protocol=pickle.HIGHEST_PROTOCOL)
    cache.set_many({_key(pool.program_code, "blob"): blob}, timeout=None)
    cache.set(_key(pool.program_code, "stamp"), pool.stamp, timeout=None)
    _remember(pool)


def _remember(pool: MentorPool) -> None:
    with _local_lock:
        _local.pop(pool.program_code, None)
        if len(_local) >= _LOCAL_LIMIT:
            _local.pop(next(iter(_local)))
        _local[pool.program_code] = pool


def _load(code: str) -> MentorPool | None:
    """The pool as the cache has it, from this process's copy when the stamp is unchanged."""
    stamp = cache.get(_key(code, "stamp"))
    if stamp is None:
        return None
    mine = _local.get(code)
    if mine is not None and mine.stamp == tuple(stamp):
        return mine
    blob = cache.get(_key(code, "blob"))
    if blob is None:
        return None
    pool: MentorPool = pickle.loads(blob)  # noqa: S301 - our own cache, written by _save
    _remember(pool)
    return pool


class _Lock:
    """A cache lock around writing one programme's pool (cross-process with Redis)."""

    def __init__(self, code: str, wait: float) -> None:
        self.key = _key(code, "lock")
        self.wait = wait
        self.held = False

    def __enter__(self) -> bool:
        deadline = time.monotonic() + self.wait
        while True:
            if cache.add(self.key, 1, timeout=LOCK_SECONDS):
                self.held = True
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self.held:
            cache.delete(self.key)


def get(program: Program) -> MentorPool:
    """The programme's pool: from this process, else from the cache. A missing pool is
    built now only when small (``INLINE_BUILD`` mentors); a big one is built by the
    background task meanwhile the request is served the last built version, else a
    bounded pool (``bounded``)."""
    pool = _load(program.code)
    if pool is None:
        last = _last(program.code)
        if last is not None:
            schedule_rebuild(program)
            return last
        if len(_seats(program)) > INLINE_BUILD:
            schedule_rebuild(program)
            return bounded(program)
        with _Lock(program.code, wait=30.0) as held:
            pool = _load(program.code) if held else None
            if pool is None:
                pool = build(program)
                if held:
                    _save(pool)
                else:
                    _remember(pool)
    if pool.is_stale(program):
        schedule_rebuild(program)
    return pool


def _last(code: str) -> MentorPool | None:
    """The last pool built, even if it has since been invalidated (served while the
    background task builds its successor)."""
    mine = _local.get(code)
    if mine is not None:
        return mine
    blob = cache.get(_key(code, "blob"))  # kept when the stamp is dropped (``invalidate``)
    if blob is None:
        return None
    pool: MentorPool = pickle.loads(blob)  # noqa: S301 - our own cache, written by _save
    _remember(pool)
    return pool


_bounded: dict[str, tuple[float, MentorPool]] = {}


def bounded(program: Program) -> MentorPool:
    """A stand-in while a big programme's first pool is built in the background: its
    ``BOUNDED_MENTORS`` mentors with the most free places, encoded now (about a second),
    kept by this process for ``BOUNDED_SECONDS``; never stored in the cache."""
    now = time.monotonic()
    found = _bounded.get(program.code)
    if found is not None and now - found[0] < BOUNDED_SECONDS:
        return found[1]
    seats = _seats(program)
    open_ = sorted(
        (uid for uid, (cap, taken, paused) in seats.items() if cap > taken and not paused),
        key=lambda uid: (seats[uid][1] - seats[uid][0], uid),
    )[:BOUNDED_MENTORS]
    pool = build(program, {uid: seats[uid] for uid in sorted(open_)})
    pool.partial = True
    with _local_lock:
        _bounded[program.code] = (now, pool)
    return pool


def rebuild(program: Program) -> MentorPool:
    """Build afresh and replace the cached pool (the background task calls this)."""
    cache.delete(_key(program.code, "rebuilding"))  # a change from now on enqueues again
    with _Lock(program.code, wait=60.0):
        pool = build(program)
        _save(pool)
    with _local_lock:
        _bounded.pop(program.code, None)
    return pool


def schedule_rebuild(program: Program) -> None:
    """Enqueue one background rebuild (at most one per programme every ten minutes)."""
    if not cache.add(_key(program.code, "rebuilding"), 1, timeout=600):
        return
    from carementor.matching.pool_tasks import rebuild_pool

    def enqueue() -> None:
        try:
            rebuild_pool.enqueue(program.pk)
        except Exception:  # a missing worker must not break the request that noticed
            log.exception("could not enqueue the pool rebuild of %s", program.code)
            cache.delete(_key(program.code, "rebuilding"))

    transaction.on_commit(enqueue)


def forget(program: Program) -> None:
    """Drop the programme's pool everywhere, its last version too (a small pool is built
    again by the next request, a big one in the background)."""
    cache.delete_many([_key(program.code, "stamp"), _key(program.code, "blob")])
    with _local_lock:
        _local.pop(program.code, None)
        _bounded.pop(program.code, None)


def invalidate(program: Program) -> None:
    """The pool no longer holds (say, its rules changed): requests are served the last
    version while the background task builds the next one."""
    cache.delete(_key(program.code, "stamp"))
    schedule_rebuild(program)


def warm(programs: "Iterable[Program] | None" = None) -> int:
    """Enqueue a background build for every open programme with mentors (after seeding or a
    deploy, so that no request waits for a big pool); returns how many were enqueued."""
    if programs is None:
        programs = Program.objects.filter(
            status__in=(Program.Status.DRAFT, Program.Status.PUBLISHED),
            enrollments__role__in=MENTOR_ROLES,
            enrollments__status=Enrollment.Status.APPROVED,
        ).distinct()
    count = 0
    for program in programs:
        schedule_rebuild(program)
        count += 1
    return count


# -- incremental updates -------------------------------------------------------------------------

_pending = threading.local()


def mentors_changed(user_ids: Iterable[int], program_id: int | None = None) -> None:
    """These mentors changed (in one programme, or everywhere they mentor): re-encode their
    rows after the current transaction commits. Safe to call many times per transaction."""
    items: set[tuple[int | None, int]] = getattr(_pending, "items", None) or set()
    _pending.items = items
    ids = [int(u) for u in user_ids]
    items.update((program_id, u) for u in ids)
    adapter.forget_people(ids)
    # One callback per call; the first to run after commit applies everything pending, the
    # others find nothing left (a rolled-back change is applied harmlessly with the next one).
    transaction.on_commit(flush)


def flush() -> None:
    items: set[tuple[int | None, int]] = getattr(_pending, "items", None) or set()
    if not items:
        return
    _pending.items = set()
    try:
        adapter.forget_people({u for _p, u in items})
        refresh(items)
    except Exception:  # a failed refresh leaves the pool stale; the row guard keeps it safe
        log.exception("mentor pool refresh failed")


def refresh(items: Iterable[tuple[int | None, int]]) -> None:
    """Re-encode the rows of (programme id or None for all, user id) in existing pools."""
    everywhere = {u for p, u in items if p is None}
    by_program: dict[int, set[int]] = {}
    for p, u in items:
        if p is not None:
            by_program.setdefault(p, set()).add(u)
    if everywhere:
        for p, u in Enrollment.objects.filter(
            user_id__in=everywhere, role__in=MENTOR_ROLES
        ).values_list("program_id", "user_id"):
            by_program.setdefault(p, set()).add(u)
    programs = Program.objects.filter(pk__in=by_program).only("pk", "code", "verification_kind")
    for program in programs:
        if cache.get(_key(program.code, "stamp")) is None:
            continue  # no pool yet: the next request builds it with these changes
        update(program, by_program[program.pk])


def update(program: Program, user_ids: Iterable[int]) -> MentorPool | None:
    """Re-encode some mentors of an existing pool and store it with a new version."""
    user_ids = set(user_ids)
    with _Lock(program.code, wait=10.0) as held:
        if not held:
            schedule_rebuild(program)
            return None
        pool = _load(program.code)
        if pool is None:
            return None
        seats = _seats(program, user_ids)
        found = dict(_rows(program, seats))
        with pool.lock:
            changed = [pool.put(user_id, found.get(user_id)) for user_id in sorted(user_ids)]
            if not any(changed):
                return pool
            pool.version += 1
        _save(pool)
        return pool


def seats_changed(program_id: int, user_ids: Iterable[int]) -> None:
    """A cheaper update when only capacity, seats or the pause changed (after commit)."""
    transaction.on_commit(partial(_apply_seats, program_id, list(user_ids)))


def _apply_seats(program_id: int, user_ids: list[int]) -> None:
    try:
        _write_seats(program_id, user_ids)
    except Exception:  # a failed refresh leaves the pool stale; the row guard keeps it safe
        log.exception("mentor pool seat refresh failed")


def _write_seats(program_id: int, user_ids: list[int]) -> None:
    program = Program.objects.filter(pk=program_id).only("pk", "code").first()
    if program is None or cache.get(_key(program.code, "stamp")) is None:
        return
    with _Lock(program.code, wait=10.0) as held:
        pool = _load(program.code) if held else None
        if pool is None:
            if not held:
                schedule_rebuild(program)
            return
        rows = Enrollment.objects.filter(program=program, user_id__in=user_ids).values_list(
            "user_id", "capacity", "seats_taken", "paused_at", "status", "role"
        )
        with pool.lock:
            m = pool.mentors
            for user_id, capacity, taken, paused_at, status, role in rows:
                at = pool.row_of_user.get(user_id)
                if at is None:
                    continue
                m.capacity[at] = min(capacity, 10_000)
                m.load[at] = min(taken, 10_000)
                pool.paused[at] = paused_at is not None
                pool.present[at] &= status == Enrollment.Status.APPROVED and role in MENTOR_ROLES
            m.version += 1
            pool.version += 1
        _save(pool)
