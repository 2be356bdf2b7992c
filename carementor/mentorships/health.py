"""Relationship health for coordinators: counts and dates, never content.

One mentorship's health comes from `health_for`; a list of them from `health_queryset`, whose
rows carry every count as a correlated subquery (evaluated only for the rows of the page) so
that `health_for` then runs without a query. `at_risk_only` is the same rules as one filter.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.lib.sql import count_of
from carementor.mentorships.models import (
    ActionItem,
    Agreement,
    HelpRequest,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Phase,
    Signature,
)

COUNT_NAMES = ("meetings_held", "open_items", "overdue_items", "open_help", "pending_signatures")


@dataclass
class Health:
    last_meeting_at: datetime | None = None
    meetings_held: int = 0
    meetings_expected: int = 0
    open_action_items: int = 0
    overdue_action_items: int = 0
    pending_signatures: int = 0
    help_requested: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)


def expected_meetings(mentorship: Mentorship, now: datetime) -> int:
    if mentorship.activated_at is None:
        return 0
    cadence = max(mentorship.program.meeting_cadence_days, 1)
    end = mentorship.closed_at or now
    return max((end - mentorship.activated_at).days // cadence, 0)


def annotated_counts(mentorship: Mentorship) -> dict[str, int]:
    """The counts a `health_queryset` row carries (none on a plain mentorship)."""
    return {name: getattr(mentorship, name) for name in COUNT_NAMES if hasattr(mentorship, name)}


def health_for(mentorship: Mentorship, *, now: datetime | None = None, **counts: Any) -> Health:
    """Health from counts; callers listing many mentorships pass annotated counts (a row of
    `health_queryset` passes its own with ``**annotated_counts(row)``)."""
    now = now or timezone.now()
    health = Health(last_meeting_at=mentorship.last_meeting_at)
    health.meetings_held = _counted(counts, "meetings_held", _count_held, mentorship)
    health.meetings_expected = expected_meetings(mentorship, now)
    health.open_action_items = _counted(counts, "open_items", _count_open_items, mentorship)
    health.overdue_action_items = _counted(counts, "overdue_items", _count_overdue, mentorship)
    health.pending_signatures = _counted(
        counts, "pending_signatures", _pending_signatures, mentorship
    )
    health.help_requested = _counted(counts, "open_help", _open_help, mentorship) > 0
    cadence = mentorship.program.meeting_cadence_days
    if health.help_requested:
        health.reasons.append(_("A party asked for help."))
    if mentorship.phase == Phase.ACTIVE:
        anchor = mentorship.last_meeting_at or mentorship.activated_at
        if anchor is not None and (now - anchor).days > cadence:
            health.reasons.append(
                _("No meeting for %(days)d days (programme cadence %(cadence)d).")
                % {"days": (now - anchor).days, "cadence": cadence}
            )
        if health.overdue_action_items >= 3:
            health.reasons.append(_("Several action items are overdue."))
    if mentorship.phase in (Phase.PROPOSED, Phase.AGREEING):
        waiting = (now - mentorship.created_at).days
        if waiting > 14:
            health.reasons.append(
                _("Agreement not signed after %(days)d days.") % {"days": waiting}
            )
    return health


def _counted(counts: dict[str, Any], name: str, fallback: Any, mentorship: Mentorship) -> int:
    # Only query when the caller did not bring the count (a lone mentorship's page).
    return int(counts[name]) if name in counts else int(fallback(mentorship))


def _count_held(mentorship: Mentorship) -> int:
    return Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.HELD).count()


def _count_open_items(mentorship: Mentorship) -> int:
    return ActionItem.objects.filter(mentorship=mentorship).open().count()


def _count_overdue(mentorship: Mentorship) -> int:
    return ActionItem.objects.filter(mentorship=mentorship).overdue().count()


def _pending_signatures(mentorship: Mentorship) -> int:
    from carementor.mentorships.services import current_agreement

    agreement = current_agreement(mentorship)
    if agreement is None or agreement.effective_at is not None:
        return 0
    return len(agreement.pending_signers())


def _open_help(mentorship: Mentorship) -> int:
    return mentorship.help_requests.filter(resolved_at__isnull=True).count()


def health_queryset(organization: Any, *, phase: str = "") -> Any:
    """Every mentorship of ``organization`` with its health counts as columns.

    Each count is a correlated subquery rather than ``Count`` over joins: joins multiply
    meetings by action items by help requests for every row before grouping, and grouping
    needs every row of the organization; subqueries are evaluated for the page only.
    ``pending_signatures`` mirrors `_pending_signatures`: parties who have not signed the
    latest agreement version, 0 when there is none or it is in force."""
    mentorship = OuterRef("pk")
    latest = Agreement.objects.filter(mentorship=OuterRef("pk")).order_by("-version")
    unsigned = MentorshipParty.objects.filter(mentorship=OuterRef("pk")).exclude(
        Exists(
            Signature.objects.filter(
                agreement__mentorship=OuterRef("mentorship"),
                agreement__version=Subquery(
                    Agreement.objects.filter(mentorship=OuterRef(OuterRef("mentorship")))
                    .order_by("-version")
                    .values("version")[:1]
                ),
                signer=OuterRef("user"),
            )
        )
    )
    rows = (
        Mentorship.objects.filter(organization=organization)
        .select_related("program")
        .prefetch_related(
            Prefetch("parties", queryset=MentorshipParty.objects.select_related("user"))
        )
        .annotate(
            open_help=count_of(
                HelpRequest.objects.filter(mentorship=mentorship, resolved_at__isnull=True),
                by="mentorship",
            ),
            meetings_held=count_of(
                Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.HELD),
                by="mentorship",
            ),
            open_items=count_of(
                ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=True),
                by="mentorship",
            ),
            overdue_items=count_of(
                ActionItem.objects.filter(
                    mentorship=mentorship,
                    done_at__isnull=True,
                    due_on__lt=timezone.localdate(),
                ),
                by="mentorship",
            ),
            unsigned_parties=count_of(unsigned, by="mentorship"),
            has_agreement=Exists(latest),
            latest_effective_at=Subquery(latest.values("effective_at")[:1]),
        )
        .order_by("last_meeting_at", "-created_at")
    )
    if phase:
        rows = rows.filter(phase=phase)
    return rows


def rows_by_pk(rows: Any, ids: list[int]) -> list[Mentorship]:
    """Rows of `health_queryset` ``rows`` for ``ids``, in the order of ``ids``.

    Page first, count after: pick the page on the bare ordering
    (``rows.values_list("pk", flat=True)[start:stop]``), then load its rows with their counts.
    A deep page then costs its own rows only: with ``OFFSET`` the database would compute every
    skipped row's counts as well."""
    found = {m.pk: m for m in rows.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]


def page_health(rows: Any, *, now: datetime) -> list[tuple[Mentorship, Health]]:
    """(mentorship, health) for rows of `health_queryset`, with no further query."""
    found = []
    for row in rows:
        in_force = row.latest_effective_at is not None
        pending = row.unsigned_parties if row.has_agreement and not in_force else 0
        row.pending_signatures = pending
        found.append((row, health_for(row, now=now, **annotated_counts(row))))
    return found


def at_risk_only(rows: Any, *, now: datetime) -> Any:
    """The rules of ``health_for`` as one database filter over ``health_queryset`` rows, so the
    at-risk list pages in the database however many relationships an organization has.

    ``(now - anchor).days > cadence`` holds exactly when ``anchor <= now - (cadence + 1) days``;
    cadences differ by programme, so there is one condition per distinct cadence (a handful).
    """
    cadences = set(
        rows.order_by().values_list("program__meeting_cadence_days", flat=True).distinct()
    )
    stale = Q(pk__in=[])
    for cadence in cadences:
        stale |= Q(
            program__meeting_cadence_days=cadence,
            anchor__lte=now - timedelta(days=cadence + 1),
        )
    # Help and overdue actions as sets computed once (``IN``, a hashed subplan), not as the
    # rows' count columns: those would run two subqueries for every row of the organization.
    asked_help = HelpRequest.objects.filter(resolved_at__isnull=True).values("mentorship")
    many_overdue = (
        ActionItem.objects.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
        .values("mentorship")
        .annotate(n=Count("pk"))
        .filter(n__gte=3)
        .values("mentorship")
    )
    return rows.annotate(anchor=Coalesce("last_meeting_at", "activated_at")).filter(
        Q(pk__in=asked_help)
        | (Q(phase=Phase.ACTIVE) & (stale | Q(pk__in=many_overdue)))
        | Q(phase__in=(Phase.PROPOSED, Phase.AGREEING), created_at__lte=now - timedelta(days=15))
    )
