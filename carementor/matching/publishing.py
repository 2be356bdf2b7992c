"""Publishing a match run: every proposal becomes a mentorship, in chunks, exactly once.

``runs.run_publish`` checks the whole run (the stale-proposal errors a coordinator can act
on), moves it from draft to publishing under the run's row lock — so two tabs publish once —
and hands it to ``publish_execute`` (inline when small, a background task otherwise).

Each chunk is one transaction that takes the run's row lock, skips proposals another worker
has already handled, locks the mentors' enrolments in primary-key order (as an accepted
request does), recounts their open mentorships in one query, creates the chunk's mentorships
in bulk, writes the new counts (the enrolment's check constraint is the last word) and marks
its proposals. A worker killed half-way leaves whole chunks behind it; running
``publish_execute`` again finishes the rest. A proposal that no longer fits at that point (a
mentor filled up through a request meanwhile) is marked skipped, never over-booked. The last
step tells everyone once — one message per person, however many relationships they got.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.matching import formats_run, pools
from carementor.matching.mentorships_bridge import (
    create_mentorships,
    matched_among,
    open_mentorship_counts,
    open_pairs,
    role_holdings,
)
from carementor.matching.models import MatchProposal, MatchRun
from carementor.matching.services import MatchError, lock_seats
from carementor.programs.models import Enrollment, Program
from carementor.programs.notify import tell_many

log = logging.getLogger(__name__)

CHUNK = 1000  # proposals per transaction


@dataclass
class Unit:
    """One mentorship to create: its proposals and, by user id, its people and checks."""

    proposals: list[int]
    mentors: list[int]
    mentees: list[int]
    seats: list[int] = field(default_factory=list)  # mentors whose places it takes
    fresh: list[int] = field(default_factory=list)  # must not be matched already
    present: list[int] = field(default_factory=list)  # must still take part (peers)


def role_for(program: Program, kind: str) -> str:
    return "peer" if kind == "peers" else (program.roles or ["mentor"])[0]


def units_for(program: Program, kind: str, rows: list[tuple[int, int, int]]) -> list[Unit]:
    """Group proposals ``(pk, mentee id, mentor id)`` into mentorships, as the format says."""
    if kind == "peers":
        return [Unit([pk], [r], [e], fresh=[e, r], present=[e, r]) for pk, e, r in rows]
    if kind == "circles":  # one mentorship per circle; it takes one of its leader's places
        circles: dict[int, Unit] = {}
        for pk, e, r in rows:
            unit = circles.setdefault(r, Unit([], [r], [], seats=[r]))
            unit.proposals.append(pk)
            unit.mentees.append(e)
            unit.fresh.append(e)
        return list(circles.values())
    if kind == "families":
        return _family_units(program, rows)
    # Pairs are checked against the programme's role limits instead (`Ledger.role_limited`).
    return [Unit([pk], [r], [e], seats=[r]) for pk, e, r in rows]


def _family_units(program: Program, rows: list[tuple[int, int, int]]) -> list[Unit]:
    """One mentorship per family: its faculty member and resident as mentors, its students as
    mentees. A resident without students becomes the faculty member's mentee instead."""
    residents = formats_run.resident_ids(
        program, {r for _pk, _e, r in rows} | {e for _p, e, _r in rows}
    )
    faculty_of: dict[int, tuple[int, int]] = {}  # resident → (proposal, faculty)
    students_of: dict[int, list[tuple[int, int]]] = defaultdict(
        list
    )  # resident → (proposal, student)
    family_heads: set[int] = set()
    for pk, e, r in rows:
        if e in residents:
            faculty_of[e] = (pk, r)
            family_heads.add(e)
        else:
            students_of[r].append((pk, e))
            family_heads.add(r)
    units = []
    for resident in sorted(family_heads):
        students = students_of.get(resident, [])
        faculty = faculty_of.get(resident)
        pks = [pk for pk, _s in students] + ([faculty[0]] if faculty else [])
        fresh = [s for _pk, s in students] + [resident]
        if students:
            mentors = [faculty[1], resident] if faculty else [resident]
            seats = [resident, faculty[1]] if faculty else [resident]
            units.append(Unit(pks, mentors, [s for _pk, s in students], seats, fresh))
        elif faculty is not None:
            units.append(Unit(pks, [faculty[1]], [resident], [faculty[1]], fresh))
    return units


class Ledger:
    """The live facts the checks need, for the people of some units, in three queries; with
    ``lock`` the enrolments are locked (in primary-key order) until the transaction ends."""

    def __init__(self, program: Program, kind: str, units: list[Unit], *, lock: bool) -> None:
        self.program = program
        enrolled = {uid for u in units for uid in (*u.seats, *u.present)}
        if lock:
            self.seats = lock_seats(program, enrolled)
        else:
            self.seats = {
                e.user_id: e
                for e in Enrollment.objects.filter(program=program, user_id__in=enrolled)
            }
        seat_ids = {uid for u in units for uid in u.seats}
        self.taken = open_mentorship_counts(program, seat_ids)
        self.mentees_only = kind in ("pairs", "circles")
        self.matched = matched_among(
            program, {uid for u in units for uid in u.fresh}, mentees_only=self.mentees_only
        )
        self.changed: set[int] = set()
        # A pair run may give a mentee several relationships of its role, up to the limit.
        self.role_limited = kind == "pairs"
        self.limit = 0
        self.held: dict[int, int] = {}
        self.together: set[tuple[int, int]] = set()
        if self.role_limited:
            from carementor.profiles.roles import limit_for

            role = role_for(program, kind)
            self.limit = limit_for(program, role)
            self.held = role_holdings(program, {e for u in units for e in u.mentees}, role)
            self.together = open_pairs(program)

    def problem(self, unit: Unit) -> tuple[str, int] | None:
        """Why the unit cannot be published now, as (code, user id), or None."""
        for uid in unit.fresh:
            if uid in self.matched:
                return "stale", uid
        if self.role_limited:
            for uid in unit.mentees:
                if self.held.get(uid, 0) >= self.limit:
                    return "role_limit", uid
                if any((uid, mentor) in self.together for mentor in unit.mentors):
                    return "together", uid
        for uid in unit.present:
            seat = self.seats.get(uid)
            if seat is None or seat.status != Enrollment.Status.APPROVED:
                return "gone", uid
        wanted: dict[int, int] = defaultdict(int)
        for uid in unit.seats:
            seat = self.seats.get(uid)
            if seat is None or seat.status != Enrollment.Status.APPROVED:
                return "not_enrolled", uid
            if self.taken.get(uid, 0) + wanted[uid] >= seat.capacity:
                return "full", uid
            wanted[uid] += 1
        return None

    def take(self, unit: Unit) -> None:
        for uid in unit.seats:
            self.taken[uid] = self.taken.get(uid, 0) + 1
            self.changed.add(uid)
        self.matched.update(unit.mentees if self.mentees_only else (*unit.mentees, *unit.mentors))
        if self.role_limited:
            for uid in unit.mentees:
                self.held[uid] = self.held.get(uid, 0) + 1
                self.together.update((uid, mentor) for mentor in unit.mentors)

    def save(self) -> None:
        """Write the recounted places; the check constraint refuses any over-booking."""
        now = timezone.now()
        rows = []
        for uid in sorted(self.changed):
            seat = self.seats[uid]
            seat.seats_taken, seat.updated_at = self.taken[uid], now
            rows.append(seat)
        Enrollment.objects.bulk_update(rows, ["seats_taken", "updated_at"], batch_size=1000)
        # bulk_update sends no signal: tell the suggestion pools which mentors filled up.
        by_program: dict[int, list[int]] = defaultdict(list)
        for seat in rows:
            by_program[seat.program_id].append(seat.user_id)
        for program_id, user_ids in by_program.items():
            pools.seats_changed(program_id, user_ids)


def refusal(code: str, user: "User") -> MatchError:
    """The coordinator-facing error for a proposal that cannot be published."""
    name = user.full_name or user.email
    messages = {
        "stale": _("%(name)s already has a mentor in this programme; re-run to refresh."),
        "role_limit": _(
            "%(name)s already holds as many relationships of this kind as the programme allows "
            "at once; re-run to refresh."
        ),
        "together": _("%(name)s is already paired with this mentor; re-run to refresh."),
        "gone": _("%(name)s no longer takes part in this programme; re-run."),
        "not_enrolled": _(
            "%(name)s no longer mentors in this programme; edit the proposal or re-run."
        ),
        "full": _("%(name)s has no free places left; edit the proposals or re-run."),
    }
    status_code = "not_enrolled" if code == "gone" else code
    return MatchError(messages[code] % {"name": name}, status_code, 409)


def pending_units(run: MatchRun) -> list[Unit]:
    """The run's proposals not handled yet, as mentorships; a mentor's together."""
    kind = formats_run.shape(run.program)
    rows = list(
        run.proposals.filter(published_at__isnull=True, skipped="")
        .order_by("mentor_id", "pk")
        .values_list("pk", "mentee_id", "mentor_id")
    )
    return units_for(run.program, kind, rows)


def check_all(run: MatchRun) -> None:
    """Refuse, before anything is written, a run with a proposal that no longer fits."""
    kind = formats_run.shape(run.program)
    units = pending_units(run)
    ledger = Ledger(run.program, kind, units, lock=False)
    for unit in units:
        problem = ledger.problem(unit)
        if problem is not None:
            code, uid = problem
            raise refusal(code, User.objects.only("full_name", "email").get(pk=uid))
        ledger.take(unit)


def _chunks(units: list[Unit]) -> Iterator[list[Unit]]:
    chunk: list[Unit] = []
    size = 0
    for unit in units:
        chunk.append(unit)
        size += len(unit.proposals)
        if size >= CHUNK:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def publish_execute(run_id: int) -> None:
    """Publish what is left of a publishing run, then tell everyone. Safe to run twice, at
    once or after a crash: chunks serialize on the run's row lock and skip handled proposals.
    A failure is written on the run (the page offers to resume) and raised again."""
    try:
        _publish(run_id)
    except Exception as exc:
        log.exception("publishing match run %s failed", run_id)
        MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.PUBLISHING).update(
            error=str(exc)[:500] or exc.__class__.__name__
        )
        raise


def _publish(run_id: int) -> None:
    run = (
        MatchRun.objects.select_related("program__organization", "published_by")
        .filter(pk=run_id, status=MatchRun.Status.PUBLISHING)
        .first()
    )
    if run is None:
        return
    for chunk in _chunks(pending_units(run)):
        if not publish_chunk(run, chunk):
            return
    publish_finish(run)


def publish_chunk(run: MatchRun, units: list[Unit]) -> bool:
    """Create one chunk's mentorships in one transaction; False once the run is no longer
    publishing (another worker finished it)."""
    program = run.program
    kind = formats_run.shape(program)
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().only("status").get(pk=run.pk)
        if locked.status != MatchRun.Status.PUBLISHING:
            return False
        pks = [pk for unit in units for pk in unit.proposals]
        open_pks = set(
            MatchProposal.objects.filter(
                pk__in=pks, published_at__isnull=True, skipped=""
            ).values_list("pk", flat=True)
        )
        units = [u for u in units if all(pk in open_pks for pk in u.proposals)]
        ledger = Ledger(program, kind, units, lock=True)
        good: list[Unit] = []
        skipped: dict[str, list[int]] = defaultdict(list)
        for unit in units:
            problem = ledger.problem(unit)
            if problem is None:
                ledger.take(unit)
                good.append(unit)
            else:
                skipped[problem[0]].extend(unit.proposals)
        codes = create_mentorships(
            program=program,
            groups=[(u.mentors, u.mentees) for u in good],
            role=role_for(program, kind),
            actor=run.published_by,
        )
        ledger.save()
        _mark_published(
            [(pk, code) for unit, code in zip(good, codes, strict=True) for pk in unit.proposals]
        )
        for reason, skipped_pks in skipped.items():
            MatchProposal.objects.filter(pk__in=skipped_pks).update(skipped=reason)
        MatchRun.objects.filter(pk=run.pk).update(progress_done=F("progress_done") + len(open_pks))
    return True


def _mark_published(rows: list[tuple[int, str]]) -> None:
    """One UPDATE … FROM (VALUES …) per batch: ``bulk_update``'s CASE per row costs far more
    Python time at national size. Works on PostgreSQL and SQLite ≥ 3.33."""
    table = MatchProposal._meta.db_table
    now = timezone.now()
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        values = ", ".join(["(%s, %s)"] * len(batch))
        params: list[Any] = []
        for pk, code in batch:
            params += [pk, code]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v(id, code) AS (VALUES {values}) "  # noqa: S608 - placeholders only
                f"UPDATE {table} SET published_at = %s, mentorship_code = v.code "
                f"FROM v WHERE {table}.id = v.id",
                [*params, now],
            )


def publish_finish(run: MatchRun) -> None:
    """Mark the run published and tell each person once."""
    program = run.program
    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != MatchRun.Status.PUBLISHING:
            return
        if locked.proposals.filter(published_at__isnull=True, skipped="").exists():
            return  # another worker holds the rest; it finishes
        rows = list(
            locked.proposals.filter(published_at__isnull=False).values_list(
                "mentee_id", "mentor_id", "mentorship_code"
            )
        )
        skipped_mentees = list(
            locked.proposals.exclude(skipped="").values_list("mentee_id", flat=True)
        )
        left_out = [row["user"] for row in locked.unmatched]
        locked.unmatched = [
            *locked.unmatched,
            *(
                {"user": u.code, "name": u.full_name or u.email, "code": "not_published"}
                for u in User.objects.filter(pk__in=skipped_mentees).order_by("pk")
            ),
        ]
        mentorships = {code for _e, _r, code in rows}
        _tell_matched(program, rows, locked.published_by)
        tell_many(
            User.objects.filter(code__in=left_out) | User.objects.filter(pk__in=skipped_mentees),
            "match_run_unmatched",
            lambda: (
                _("Matches in %(program)s are out; the coordinator will be in touch about yours.")
                % {"program": program.name}
            ),
            url=reverse("programs:detail", args=[program.code]),
            actor=locked.published_by,
            organization=program.organization,
        )
        locked.status = MatchRun.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.error = ""
        locked.stats = {
            **locked.stats,
            "published": len(mentorships),
            "skipped": len(skipped_mentees),
        }
        locked.save(update_fields=["status", "published_at", "error", "stats", "unmatched"])
        detail: dict[str, Any] = {"mentorships": len(mentorships), "unmatched": len(left_out)}
        if skipped_mentees:
            detail["skipped"] = len(skipped_mentees)
        record(
            locked.published_by,
            "match_run.published",
            locked,
            organization=program.organization,
            detail=detail,
        )


def _tell_matched(program: Program, rows: list[tuple[int, int, str]], actor: "User | None") -> None:
    """One notification per person: their new mentorship, or how many they have."""
    from carementor.notifications.services import notify_each

    codes: dict[int, set[str]] = defaultdict(set)
    for mentee_id, mentor_id, code in rows:
        if code:
            codes[mentee_id].add(code)
            codes[mentor_id].add(code)
    has_agreement = bool(getattr(program, "has_agreement", True))
    entries = []
    for user in User.objects.filter(pk__in=list(codes)).only(
        "pk", "is_active", "language", "timezone", "full_name", "email"
    ):
        mine = sorted(codes[user.pk])
        context: dict[str, Any] = {
            "program": program.name,
            "has_agreement": has_agreement,
            "count": len(mine),
        }
        if len(mine) == 1:
            context.update(
                url=reverse("mentorships:detail", args=[mine[0]]),
                target_type="mentorships.mentorship",
                target_code=mine[0],
            )
        else:
            context["url"] = reverse("mentorships:list")
        entries.append((user, context))
    notify_each(entries, "mentorship_created", actor=actor, organization=program.organization)
