"""Relationship health for coordinators: counts and dates, never content."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.mentorships.models import ActionItem, Meeting, MeetingStatus, Mentorship, Phase


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


def health_for(mentorship: Mentorship, *, now: datetime | None = None, **counts: Any) -> Health:
    """Health from counts; callers listing many mentorships pass annotated counts."""
    now = now or timezone.now()
    health = Health(last_meeting_at=mentorship.last_meeting_at)
    health.meetings_held = counts.get("meetings_held", _count_held(mentorship))
    health.meetings_expected = expected_meetings(mentorship, now)
    health.open_action_items = counts.get("open_items", _count_open_items(mentorship))
    health.overdue_action_items = counts.get("overdue_items", _count_overdue(mentorship))
    health.pending_signatures = counts.get("pending_signatures", _pending_signatures(mentorship))
    health.help_requested = counts.get("open_help", _open_help(mentorship)) > 0
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
    from django.db.models import Count, Q

    rows = (
        Mentorship.objects.filter(organization=organization)
        .select_related("program")
        .prefetch_related("parties__user")
        .annotate(
            open_help=Count(
                "help_requests",
                filter=Q(help_requests__resolved_at__isnull=True),
                distinct=True,
            ),
            meetings_held=Count(
                "meetings", filter=Q(meetings__status=MeetingStatus.HELD), distinct=True
            ),
            open_items=Count(
                "action_items", filter=Q(action_items__done_at__isnull=True), distinct=True
            ),
            overdue_items=Count(
                "action_items",
                filter=Q(
                    action_items__done_at__isnull=True,
                    action_items__due_on__lt=timezone.localdate(),
                ),
                distinct=True,
            ),
        )
        .order_by("last_meeting_at", "-created_at")
    )
    if phase:
        rows = rows.filter(phase=phase)
    return rows


def at_risk_only(rows: Any, *, now: datetime) -> Any:
    """The rules of ``health_for`` as one database filter over ``health_queryset`` rows, so the
    at-risk list pages in the database however many relationships an organization has.

    ``(now - anchor).days > cadence`` holds exactly when ``anchor <= now - (cadence + 1) days``;
    cadences differ by programme, so there is one condition per distinct cadence (a handful).
    """
    cadences = set(rows.order_by().values_list("program__meeting_cadence_days", flat=True))
    stale = Q(pk__in=[])
    for cadence in cadences:
        stale |= Q(
            program__meeting_cadence_days=cadence,
            anchor__lte=now - timedelta(days=cadence + 1),
        )
    return rows.annotate(anchor=Coalesce("last_meeting_at", "activated_at")).filter(
        Q(open_help__gt=0)
        | (Q(phase=Phase.ACTIVE) & (stale | Q(overdue_items__gte=3)))
        | Q(phase__in=(Phase.PROPOSED, Phase.AGREEING), created_at__lte=now - timedelta(days=15))
    )
