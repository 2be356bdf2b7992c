"""Compatibility scores between a population of mentees and one of mentors, vectorised.

The score of a pair is `sum(weight x value) / sum(weight)` over the components that can be
judged for the mentee (see `program.Weights`), in [0, 1]. A pair that breaks a hard rule
scores `-inf`: the scorer never returns such a pair as a candidate and the matchers never
assign it. Three shapes of work share one set of tables, so they always agree:

- `scores(e)`: one mentee against every mentor (or a subset) — top-k suggestions;
- `block(es)`: a block of mentees against every mentor — cohort candidate lists;
- `pairs(es, ms)`: listed pairs — re-scoring, checking, explaining.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from carementor.matching.engine import features, kernels
from carementor.matching.engine.encode import Population
from carementor.matching.engine.program import Component, Direction, ProgramSettings

NEG_INF = np.float32(-np.inf)
PARALLEL_ROWS = 200_000  # one mentee against at least this many mentors: use two threads
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="matching-scan")


class HardRule:
    """Codes of the rules that exclude a pair outright."""

    SELF = "self"
    CONFLICT = "declared_conflict"
    ASSESSES = "assesses"
    SUPERVISOR = "supervisor"
    SAME_SUPERVISOR = "same_supervisor"
    UNVERIFIED = "unverified"
    NO_CAPACITY = "no_capacity"
    NO_SHARED_LANGUAGE = "no_shared_language"


@dataclass
class _Tables:
    block: np.ndarray  # weighted profession + career + role, (mentee blocks x mentor blocks)
    block_weight: np.ndarray  # applicable weight per mentee block
    specialty: np.ndarray
    specialty_weight: np.ndarray
    language: np.ndarray  # -inf where no shared language
    language_weight: np.ndarray
    schedule: np.ndarray
    schedule_weight: np.ndarray
    meeting: np.ndarray
    meeting_weight: np.ndarray
    static: np.ndarray  # per mentor: weighted availability, -inf if not eligible
    zpd: np.ndarray  # weighted competency table (mentee level x mentor level)
    total_weight: np.ndarray  # per mentee row
    targets_count: np.ndarray  # per mentee row


class Scorer:
    """Scores mentees (`a`) against mentors (`b`) under a programme's settings."""

    def __init__(
        self, mentees: Population, mentors: Population, settings: ProgramSettings | None = None
    ) -> None:
        if mentees.encoder is not mentors.encoder:
            raise ValueError("both populations must be encoded with the same Encoder")
        self.a = mentees
        self.b = mentors
        self.settings = settings or ProgramSettings()
        self._tables: _Tables | None = None
        self._versions = (-1, -1)
        self._key_rows: dict[int, int] = {}
        self._local = threading.local()

    # -- tables -------------------------------------------------------------------------

    @property
    def peer(self) -> bool:
        """Peer programmes match mentees with each other: no mentor rules on capacity."""
        return self.settings.direction is Direction.PEER

    def tables(self) -> _Tables:
        versions = (self.a.version, self.b.version)
        if self._tables is None or versions != self._versions:
            self.a.sync_vocabulary()
            self.b.sync_vocabulary()
            self._tables = self._build_tables()
            self._versions = versions
            self._key_rows = self.b.row_of_key_id()
        return self._tables

    def _build_tables(self) -> _Tables:
        a, b, w = self.a, self.b, self.settings.weights
        enc = a.encoder

        def weighted(
            values: np.ndarray, applicable: np.ndarray, weight: float
        ) -> tuple[np.ndarray, np.ndarray]:
            factor = np.where(applicable, weight, 0.0)
            out = np.empty(values.shape, dtype=np.float32)
            # Row blocks of about a million cells: the float64 products stay in cache
            # instead of a full-size temporary (the same arithmetic, row by row).
            step = max(1, (1 << 20) // max(1, values.shape[1] if values.ndim > 1 else 1))
            for lo in range(0, values.shape[0], step):
                out[lo : lo + step] = values[lo : lo + step] * factor[lo : lo + step, None]
            return out, factor.astype(np.float32)

        ab, bb = a.blocks.table(), b.blocks.table()
        prof, prof_ok = features.profession(ab, bb)
        car, car_ok = features.career(ab, bb, self.settings.direction)
        rol, rol_ok = features.role(ab, bb)
        block = (
            prof * np.where(prof_ok, w.profession, 0.0)[:, None]
            + car * np.where(car_ok, w.career, 0.0)[:, None]
            + rol * np.where(rol_ok, w.role, 0.0)[:, None]
        ).astype(np.float32)
        block_weight = (
            np.where(prof_ok, w.profession, 0.0)
            + np.where(car_ok, w.career, 0.0)
            + np.where(rol_ok, w.role, 0.0)
        ).astype(np.float32)
        affinity = enc.specialty_affinity()
        spec, spec_w = weighted(
            *features.specialty(a.specialty_sets.table(), b.specialty_sets.table(), affinity),
            w.specialty,
        )
        lang_values, lang_ok, allowed = features.language(
            a.language_sets.table(), b.language_sets.table(), len(enc.languages)
        )
        lang, lang_w = weighted(lang_values, lang_ok, w.language)
        lang[~allowed] = NEG_INF
        sched, sched_w = weighted(*features.schedule(a.hours.table(), b.hours.table()), w.schedule)
        meet, meet_w = weighted(
            *features.meeting_format(a.meetings.table(), b.meetings.table()), w.format
        )

        static = b.cached(
            f"static:{w.availability}:{self.peer}:{self.settings.require_verified}",
            self._mentor_static,
        )

        m = a.n
        targets_count = (a.targets[:, :m] > 0).sum(axis=0).astype(np.float32)
        text = a.text_matrix()
        has_text = np.diff(text.indptr) > 0
        total = (
            block_weight[a.block[:m]]
            + spec_w[a.specialty_set[:m]]
            + lang_w[a.language_set[:m]]
            + sched_w[a.hours_code[:m]]
            + meet_w[a.meeting[:m]]
            + np.where(has_text[:m], w.goals, 0.0)
            + np.where(targets_count > 0, w.competency, 0.0)
            + w.availability
        ).astype(np.float32)
        return _Tables(
            block=block,
            block_weight=block_weight,
            specialty=spec,
            specialty_weight=spec_w,
            language=lang,
            language_weight=lang_w,
            schedule=sched,
            schedule_weight=sched_w,
            meeting=meet,
            meeting_weight=meet_w,
            static=static,
            zpd=(w.competency * features.zpd_table()).astype(np.float32),
            total_weight=np.maximum(total, np.float32(1e-9)),
            targets_count=targets_count,
        )

    def _mentor_static(self) -> np.ndarray:
        b, n = self.b, self.b.n
        spare = b.spare()
        static = self.settings.weights.availability * features.availability(
            b.hours_per_month[:n], spare
        )
        static = static.astype(np.float32)
        if not self.peer:
            eligible = spare > 0
            if self.settings.require_verified:
                eligible &= b.verified[:n]
            static[~eligible] = NEG_INF
        return static

    def prepare(self) -> None:
        """Build every cached table now (before scoring from several threads)."""
        self.tables()
        self.a.text_matrix()
        self.b.text_matrix()
        self.b.cached("text_by_term", lambda: self.b.text_matrix().T.tocsr())
        self.b.cached("rated_by_competency", self._rated_by_competency)

    # -- one mentee ---------------------------------------------------------------------

    def scores(self, e: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Scores of mentee row `e` against mentor `rows` (default: every mentor)."""
        t, b = self.tables(), self.b
        if rows is None and kernels.enabled():
            out = self._scores_compiled(e)
        elif rows is None and b.n >= PARALLEL_ROWS:
            # Two halves on two threads: each call below works on 100k+ elements, so
            # NumPy spends its time outside the GIL. Text runs here meanwhile.
            out = np.empty(b.n, dtype=np.float32)
            middle = b.n // 2
            halves = [
                _POOL.submit(self._categorical, e, slice(lo, hi), out[lo:hi])
                for lo, hi in ((0, middle), (middle, b.n))
            ]
            text = np.zeros(b.n, dtype=np.float32)
            self._add_text_one(e, text, None)
            for half in halves:
                half.result()
            out += text
        else:
            pick = slice(0, b.n) if rows is None else rows
            out = np.empty(b.n if rows is None else len(rows), dtype=np.float32)
            self._categorical(e, pick, out)
            self._add_text_one(e, out, rows)
        if not (rows is None and kernels.enabled()):
            out /= t.total_weight[e]
            np.minimum(out, 1.0, out=out)  # rounding may leave 1 + 1e-7
        self._exclude_one(e, out, rows)
        return out

    def _competency_rows(self, e: int) -> tuple[np.ndarray, np.ndarray]:
        """The mentee's target competencies and, per target, its value by mentor level."""
        t, a = self.tables(), self.a
        ids = np.flatnonzero(a.targets[:, e])
        ids = ids[ids < self.b.levels.shape[0]]  # a competency no mentor has rated adds 0
        rows = (t.zpd[a.levels[ids, e]] / t.targets_count[e]).astype(np.float32)
        return ids.astype(np.int64), rows.reshape(len(ids), 6)

    def _cosine_one(self, e: int) -> np.ndarray:
        """TF-IDF cosine of mentee `e` with every mentor (float64; empty if no text)."""
        ids, weights = self._text_row(self.a, e)
        b = self.b
        if len(ids) == 0:
            return np.zeros(0, dtype=np.float64)
        columns = b.text_columns()
        cosine = np.zeros(b.n, dtype=np.float64)
        kernels.accumulate_text(cosine, columns.indptr, columns.indices, columns.data, ids, weights)
        patched = [r for r in b.text_overrides if r < b.n]
        if columns.shape[0] < b.n or patched:
            extra = np.arange(columns.shape[0], b.n)
            fix = np.unique(np.concatenate([np.asarray(patched, dtype=np.int64), extra]))
            cosine[fix] = [self._dot(ids, weights, *self._text_row(b, int(r))) for r in fix]
        return cosine

    def _scores_compiled(self, e: int) -> np.ndarray:
        """`scores(e)` over every mentor by the fused loop (see `kernels`)."""
        t, a, b = self.tables(), self.a, self.b
        n = b.n
        out = np.empty(n, dtype=np.float32)
        comp_ids, comp_rows = self._competency_rows(e)
        kernel = kernels.score_one_parallel if n >= PARALLEL_ROWS else kernels.score_one_serial
        kernel(
            out,
            t.static[:n],
            t.block[a.block[e]],
            t.specialty[a.specialty_set[e]],
            t.language[a.language_set[e]],
            t.schedule[a.hours_code[e]],
            t.meeting[a.meeting[e]],
            b.block[:n],
            b.specialty_set[:n],
            b.language_set[:n],
            b.hours_code[:n],
            b.meeting[:n],
            comp_rows,
            comp_ids,
            b.levels,
            self._cosine_one(e),
            np.float32(self.settings.weights.goals),
            np.float32(t.total_weight[e]),
        )
        return out

    def _categorical(self, e: int, pick: slice | np.ndarray, out: np.ndarray) -> None:
        """Write every part but the text (weighted, not yet normalised) into `out`."""
        t, a, b = self.tables(), self.a, self.b
        np.copyto(out, t.static[pick])
        gathered = np.empty_like(out)
        for table, mine, theirs in (
            (t.block, a.block, b.block),
            (t.specialty, a.specialty_set, b.specialty_set),
            (t.language, a.language_set, b.language_set),
            (t.schedule, a.hours_code, b.hours_code),
            (t.meeting, a.meeting, b.meeting),
        ):
            np.take(table[mine[e]], theirs[pick], out=gathered)
            out += gathered
        for c in np.flatnonzero(a.targets[:, e]):
            row = t.zpd[a.levels[c, e]] / t.targets_count[e]
            np.take(row, b.levels[c, pick], out=gathered)
            out += gathered

    def _add_text_one(self, e: int, out: np.ndarray, rows: np.ndarray | None) -> None:
        ids, weights = self._text_row(self.a, e)
        if len(ids) == 0:
            return
        b = self.b
        columns = b.text_columns()
        if rows is None:
            parts = [columns.indices[columns.indptr[t] : columns.indptr[t + 1]] for t in ids]
            vals = [
                columns.data[columns.indptr[t] : columns.indptr[t + 1]] * q
                for t, q in zip(ids, weights, strict=True)
            ]
            hit = np.concatenate(parts)
            cosine = np.bincount(hit, weights=np.concatenate(vals), minlength=b.n)[: b.n]
            patched = [r for r in b.text_overrides if r < b.n]
            if columns.shape[0] < b.n or patched:
                extra = np.arange(columns.shape[0], b.n)
                fix = np.unique(np.concatenate([np.asarray(patched, dtype=np.int64), extra]))
                cosine[fix] = [self._dot(ids, weights, *self._text_row(b, int(r))) for r in fix]
            gain = features.goals(cosine)
        else:
            gain = features.goals(
                np.array([self._dot(ids, weights, *self._text_row(b, int(r))) for r in rows])
                if len(rows) < 64
                else self._cosine_rows(ids, weights, rows)
            )
        out += self.settings.weights.goals * gain

    def _cosine_rows(self, ids: np.ndarray, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        matrix = self.b.text_matrix()
        query = np.zeros(matrix.shape[1], dtype=np.float64)
        query[ids] = weights
        return np.asarray(matrix[rows] @ query, dtype=np.float64)

    @staticmethod
    def _text_row(pop: Population, row: int) -> tuple[np.ndarray, np.ndarray]:
        override = pop.text_overrides.get(row)
        if override is not None:
            return override
        main = pop._text_main
        if row >= main.shape[0]:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        lo, hi = main.indptr[row], main.indptr[row + 1]
        return main.indices[lo:hi], main.data[lo:hi]

    @staticmethod
    def _dot(ia: np.ndarray, wa: np.ndarray, ib: np.ndarray, wb: np.ndarray) -> float:
        _, x, y = np.intersect1d(ia, ib, assume_unique=True, return_indices=True)
        return float(np.dot(wa[x], wb[y]))

    # -- hard rules ---------------------------------------------------------------------

    def excluded(self, e: int) -> np.ndarray:
        """Mentor rows that a hard rule about people (not capacity) excludes for mentee `e`."""
        self.tables()
        a, b, key_rows = self.a, self.b, self._key_rows
        me = int(a.key_id[e])
        keys = {me}
        keys.update(a.conflicts.get(e, ()))
        keys.update(a.assesses.get(e, ()))
        boss = int(a.supervisor[e])
        if boss >= 0:
            keys.add(boss)
        rows = {key_rows[k] for k in keys if k in key_rows}
        rows.update(b.conflicted_by.get(me, ()))
        rows.update(b.assessed_by.get(me, ()))
        rows.update(b.supervised_by.get(me, ()))
        if boss >= 0:
            rows.update(b.supervised_by.get(boss, ()))
        return np.fromiter((r for r in rows if r < b.n), dtype=np.int64)

    def _exclude_one(self, e: int, out: np.ndarray, rows: np.ndarray | None) -> None:
        banned = self.excluded(e)
        if len(banned) == 0:
            return
        if rows is None:
            out[banned] = NEG_INF
        else:
            out[np.isin(rows, banned)] = NEG_INF

    def hard_rules(self, e: int, m: int) -> list[str]:
        """Every hard rule that pair (mentee row e, mentor row m) breaks, as codes."""
        a, b = self.a, self.b
        broken = []
        me, them = int(a.key_id[e]), int(b.key_id[m])
        if me == them:
            broken.append(HardRule.SELF)
        if them in a.conflicts.get(e, ()) or me in b.conflicts.get(m, ()):
            broken.append(HardRule.CONFLICT)
        if me in b.assesses.get(m, ()) or them in a.assesses.get(e, ()):
            broken.append(HardRule.ASSESSES)
        if int(a.supervisor[e]) == them or int(b.supervisor[m]) == me:
            broken.append(HardRule.SUPERVISOR)
        if a.supervisor[e] >= 0 and a.supervisor[e] == b.supervisor[m]:
            broken.append(HardRule.SAME_SUPERVISOR)
        if not self.peer:
            if self.settings.require_verified and not b.verified[m]:
                broken.append(HardRule.UNVERIFIED)
            if b.capacity[m] - b.load[m] <= 0:
                broken.append(HardRule.NO_CAPACITY)
        if np.isneginf(self.tables().language[a.language_set[e], b.language_set[m]]):
            broken.append(HardRule.NO_SHARED_LANGUAGE)
        return broken

    # -- many mentees -------------------------------------------------------------------

    def block(self, es: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Scores of mentee rows `es` (a block) against every mentor: (len(es), mentors).

        `out`, if given, is a reusable float32 buffer of at least that shape.
        """
        t, a, b = self.tables(), self.a, self.b
        n = b.n
        shape = (len(es), n)
        if out is None or out.size < len(es) * n:
            out = np.empty(shape, dtype=np.float32)
        out = out.reshape(-1)[: len(es) * n].reshape(shape)
        np.copyto(out, t.static[None, :n])
        spare = getattr(self._local, "gathered", None)
        if spare is None or spare.size < out.size:
            spare = self._local.gathered = np.empty(out.size, dtype=np.float32)
        gathered = spare[: out.size].reshape(shape)
        for table, mine, theirs in (
            (t.block, a.block, b.block),
            (t.specialty, a.specialty_set, b.specialty_set),
            (t.language, a.language_set, b.language_set),
            (t.schedule, a.hours_code, b.hours_code),
            (t.meeting, a.meeting, b.meeting),
        ):
            np.take(table[mine[es]], theirs[:n], axis=1, out=gathered)
            out += gathered
        self._add_competency_block(es, out)
        self._add_text_block(es, out)
        out /= t.total_weight[es, None]
        np.minimum(out, 1.0, out=out)
        for i, e in enumerate(es):
            banned = self.excluded(int(e))
            if len(banned):
                out[i, banned] = NEG_INF
        return out

    def _add_competency_block(self, es: np.ndarray, out: np.ndarray) -> None:
        t, a = self.tables(), self.a
        targets = a.targets[:, es]
        if not targets.any():
            return
        # Only mentors who rated a competency can be ahead in it: walk those rows only.
        indptr, rows, levels = self.b.cached("rated_by_competency", self._rated_by_competency)
        which, who = np.nonzero(targets.T)
        for i, c in zip(which.tolist(), who.tolist(), strict=True):
            if c + 1 >= len(indptr):
                continue
            lo, hi = indptr[c], indptr[c + 1]
            e = es[i]
            row = t.zpd[a.levels[c, e]] / t.targets_count[e]
            out[i, rows[lo:hi]] += row[levels[lo:hi]]

    def _rated_by_competency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per competency, the mentor rows that rated it and their levels (CSR layout)."""
        grid = self.b.levels[:, : self.b.n]
        comp, rows = np.nonzero(grid)
        indptr = np.zeros(grid.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(comp, minlength=grid.shape[0]), out=indptr[1:])
        return indptr, rows, grid[comp, rows]

    def _add_text_block(self, es: np.ndarray, out: np.ndarray) -> None:
        queries = self.a.text_matrix()[es]
        if not queries.nnz:
            return
        by_term = self.b.cached("text_by_term", lambda: self.b.text_matrix().T.tocsr())
        product = (queries @ by_term).tocoo()
        gain = self.settings.weights.goals * features.goals(product.data)
        flat = out.reshape(-1)
        # A sparse product has one entry per (row, column), so plain fancy += is exact.
        flat[product.row.astype(np.int64) * out.shape[1] + product.col] += gain

    def pairs(self, es: np.ndarray, ms: np.ndarray) -> np.ndarray:
        """Scores of the pairs (es[i], ms[i])."""
        t, a, b = self.tables(), self.a, self.b
        es = np.asarray(es, dtype=np.int64)
        ms = np.asarray(ms, dtype=np.int64)
        out = t.static[ms].copy()
        for table, mine, theirs in (
            (t.block, a.block, b.block),
            (t.specialty, a.specialty_set, b.specialty_set),
            (t.language, a.language_set, b.language_set),
            (t.schedule, a.hours_code, b.hours_code),
            (t.meeting, a.meeting, b.meeting),
        ):
            out += table[mine[es], theirs[ms]]
        counts = t.targets_count[es]
        for c in np.flatnonzero(a.targets[:, : a.n].any(axis=1)):
            who = np.flatnonzero(a.targets[c, es])
            if len(who):
                out[who] += t.zpd[a.levels[c, es[who]], b.levels[c, ms[who]]] / counts[who]
        queries, mentors = a.text_matrix(), b.text_matrix()
        step = 1 << 18
        for lo in range(0, len(es), step):
            hi = lo + step
            cosine = np.asarray(queries[es[lo:hi]].multiply(mentors[ms[lo:hi]]).sum(axis=1)).ravel()
            out[lo:hi] += self.settings.weights.goals * features.goals(cosine)
        out /= t.total_weight[es]
        np.minimum(out, 1.0, out=out)
        banned = self.excluded_pairs(np.unique(es))
        if len(banned):
            out[np.isin(es * b.n + ms, banned)] = NEG_INF
        return out

    def excluded_pairs(self, es: np.ndarray) -> np.ndarray:
        """Keys `e * mentors + m` of the person-rule exclusions for mentee rows `es`."""
        parts = [int(e) * self.b.n + self.excluded(int(e)) for e in es]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    # -- explanation support ------------------------------------------------------------

    def components(self, e: int, m: int) -> dict[Component, float | None]:
        """Each component's value for one pair; None where it cannot be judged."""
        a, b = self.a, self.b
        enc = a.encoder
        ab = a.blocks.table()[a.block[e]][None, :]
        bb = b.blocks.table()[b.block[m]][None, :]
        result: dict[Component, float | None] = {}

        def put(component: Component, pair: tuple[np.ndarray, np.ndarray]) -> None:
            values, applicable = pair
            result[component] = float(values[0, 0]) if applicable[0] else None

        put(Component.PROFESSION, features.profession(ab, bb))
        put(Component.CAREER, features.career(ab, bb, self.settings.direction))
        put(Component.ROLE, features.role(ab, bb))
        put(
            Component.SPECIALTY,
            features.specialty(
                a.specialty_sets.table()[a.specialty_set[e]][None, :],
                b.specialty_sets.table()[b.specialty_set[m]][None, :],
                enc.specialty_affinity(),
            ),
        )
        values, applicable, _ = features.language(
            a.language_sets.table()[a.language_set[e]][None, :],
            b.language_sets.table()[b.language_set[m]][None, :],
            len(enc.languages),
        )
        put(Component.LANGUAGE, (values, applicable))
        put(
            Component.SCHEDULE,
            features.schedule(
                a.hours.table()[a.hours_code[e]][None, :], b.hours.table()[b.hours_code[m]][None, :]
            ),
        )
        put(
            Component.FORMAT,
            features.meeting_format(
                a.meetings.table()[a.meeting[e]][None, :], b.meetings.table()[b.meeting[m]][None, :]
            ),
        )
        result.update(self._pair_rest(e, m))
        return result

    def _pair_rest(self, e: int, m: int) -> dict[Component, float | None]:
        """Goals, competency and availability of one pair (read per row, not per code)."""
        a, b = self.a, self.b
        result: dict[Component, float | None] = {}
        ids, weights = self._text_row(a, e)
        result[Component.GOALS] = (
            float(features.goals(np.array([self._dot(ids, weights, *self._text_row(b, m))]))[0])
            if len(ids)
            else None
        )
        targets = np.flatnonzero(a.targets[:, e])
        zpd = features.zpd_table()
        result[Component.COMPETENCY] = (
            float(np.mean([zpd[a.levels[c, e], b.levels[c, m]] for c in targets]))
            if len(targets)
            else None
        )
        result[Component.AVAILABILITY] = float(
            features.availability(b.hours_per_month[m : m + 1], b.spare()[m : m + 1])[0]
        )
        return result

    def components_many(
        self, es: np.ndarray, ms: np.ndarray, chunk: int = 4096
    ) -> list[dict[Component, float | None]]:
        """`components` of the pairs (es[i], ms[i]), the same values in the same order: each
        categorical feature is computed once per distinct pair of codes in a chunk of pairs
        (elementwise, so a cell never depends on the others), then read per pair."""
        a, b = self.a, self.b
        enc = a.encoder
        es = np.asarray(es, dtype=np.int64)
        ms = np.asarray(ms, dtype=np.int64)
        out: list[dict[Component, float | None]] = []
        features_of: list[tuple[Component, Any, Any, Any, Any]] = [
            (
                Component.PROFESSION,
                a.block,
                b.block,
                (a.blocks, b.blocks),
                lambda x, y: features.profession(x, y),
            ),
            (
                Component.CAREER,
                a.block,
                b.block,
                (a.blocks, b.blocks),
                lambda x, y: features.career(x, y, self.settings.direction),
            ),
            (Component.ROLE, a.block, b.block, (a.blocks, b.blocks), features.role),
            (
                Component.SPECIALTY,
                a.specialty_set,
                b.specialty_set,
                (a.specialty_sets, b.specialty_sets),
                lambda x, y: features.specialty(x, y, enc.specialty_affinity()),
            ),
            (
                Component.LANGUAGE,
                a.language_set,
                b.language_set,
                (a.language_sets, b.language_sets),
                lambda x, y: features.language(x, y, len(enc.languages))[:2],
            ),
            (Component.SCHEDULE, a.hours_code, b.hours_code, (a.hours, b.hours), features.schedule),
            (
                Component.FORMAT,
                a.meeting,
                b.meeting,
                (a.meetings, b.meetings),
                features.meeting_format,
            ),
        ]
        for lo in range(0, len(es), chunk):
            e_rows, m_rows = es[lo : lo + chunk], ms[lo : lo + chunk]
            columns: list[tuple[Component, np.ndarray, np.ndarray]] = []
            for component, a_codes, b_codes, (a_table, b_table), compute in features_of:
                ua, ia = np.unique(a_codes[e_rows], return_inverse=True)
                ub, ib = np.unique(b_codes[m_rows], return_inverse=True)
                values, applicable = compute(a_table.table()[ua], b_table.table()[ub])
                columns.append((component, values[ia, ib], applicable[ia]))
            for i, (e, m) in enumerate(zip(e_rows.tolist(), m_rows.tolist(), strict=True)):
                result: dict[Component, float | None] = {
                    component: float(values[i]) if applicable[i] else None
                    for component, values, applicable in columns
                }
                result.update(self._pair_rest(e, m))
                out.append(result)
        return out


def score_pairs(
    mentees: Population,
    mentors: Population,
    es: np.ndarray,
    ms: np.ndarray,
    settings: ProgramSettings | None = None,
) -> np.ndarray:
    """Scores of the pairs (mentee row es[i], mentor row ms[i]); -inf where a rule excludes."""
    return Scorer(mentees, mentors, settings).pairs(np.asarray(es), np.asarray(ms))
