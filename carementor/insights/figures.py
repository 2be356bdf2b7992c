"""The coordinator's programme dashboard: every figure aggregated in the database.

``figures(programs)`` answers for one programme or several (an organization's), with a fixed
number of queries whatever the number of people: counts and averages are SQL aggregates, the
monthly trends one grouped query per series.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.certificates.models import Certificate
from carementor.evaluations.models import SurveyAssignment
from carementor.mentorships.health import at_risk_only, health_queryset
from carementor.mentorships.models import (
    ENDED_PHASES,
    OPEN_PHASES,
    Goal,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipParty,
    Outcome,
    PartyRole,
    Phase,
)
from carementor.profiles.models import MentoringRole
from carementor.programs.models import Enrollment, Program

MONTHS = 12


@dataclass
class Figures:
    mentees: int = 0
    matched: int = 0
    match_rate: float | None = None
    days_to_match: float | None = None
    by_phase: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    by_phase_and_role: list[dict[str, Any]] = field(default_factory=list)
    at_risk: int = 0
    active: int = 0
    meetings_held: int = 0
    meetings_per_relationship: float | None = None
    meetings_expected_per_relationship: float | None = None
    goals_set: int = 0
    goals_met: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    surveys_sent: int = 0
    surveys_answered: int = 0
    survey_response_rate: float | None = None
    certificates: int = 0
    cpd_hours: float = 0.0
    months: list[str] = field(default_factory=list)
    trends: dict[str, list[int]] = field(default_factory=dict)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _days(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 86400, 1)
    return round(float(value) / 86_400_000_000, 1)  # microseconds (SQLite)


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The first instants of the last ``count`` months, oldest first, in the current zone."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _step in range(count):
        starts.append(
            local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        )
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def _monthly(qs: QuerySet[Any], field_name: str, starts: list[datetime]) -> list[int]:
    rows = (
        qs.filter(**{f"{field_name}__gte": starts[0]})
        .annotate(month=TruncMonth(field_name))
        .order_by()
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("month", "n")
    )
    counts: dict[tuple[int, int], int] = {}
    for month, n in rows:
        if month is None:
            continue
        local = timezone.localtime(month) if timezone.is_aware(month) else month
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + n
    return [counts.get((s.year, s.month), 0) for s in starts]


def figures(
    programs: QuerySet[Program],
    *,
    now: datetime | None = None,
    people: QuerySet[Any] | None = None,
    trends: bool = True,
) -> Figures:
    """The figures of ``programs``; with ``people`` (a query of user ids), only theirs: their
    mentee enrolments, the relationships they take part in on either side (with those
    relationships' meetings and goals), their surveys and their certificates."""
    now = now or timezone.now()
    out = Figures()
    relationships = Mentorship.objects.filter(program__in=programs)
    if people is not None:
        relationships = relationships.filter(
            pk__in=MentorshipParty.objects.filter(user__in=people).values("mentorship_id")
        )

    # Matching: approved mentees, those in any relationship, and how long they waited.
    first_match = (
        MentorshipParty.objects.filter(
            role=PartyRole.MENTEE,
            user=OuterRef("user"),
            mentorship__program=OuterRef("program"),
        )
        .order_by()
        .values("user")
        .annotate(first=Min("mentorship__created_at"))
        .values("first")
    )
    enrolled = Enrollment.objects.filter(program__in=programs, status=Enrollment.Status.APPROVED)
    if people is not None:
        enrolled = enrolled.filter(user__in=people)
    mentees = enrolled.mentees().annotate(first=Subquery(first_match[:1]))
    waited = ExpressionWrapper(F("first") - F("created_at"), output_field=DurationField())
    row = mentees.aggregate(
        n=Count("pk"),
        matched=Count("pk", filter=Q(first__isnull=False)),
        wait=Avg(waited, filter=Q(first__isnull=False)),
    )
    out.mentees, out.matched = row["n"], row["matched"]
    out.match_rate = _ratio(out.matched, out.mentees)
    out.days_to_match = _days(row["wait"])

    # Relationships by phase and role (one grouped query).
    for phase, role, n in (
        relationships.order_by().values_list("phase", "role").annotate(n=Count("pk"))
    ):
        out.by_phase[phase] = out.by_phase.get(phase, 0) + n
        out.by_role[role] = out.by_role.get(role, 0) + n
        out.by_phase_and_role.append({"phase": phase, "role": role, "count": n})
    out.active = out.by_phase.get(Phase.ACTIVE, 0)

    organizations = {
        p.organization_id: p.organization for p in programs.select_related("organization")
    }
    for organization in organizations.values():
        rows = health_queryset(organization).filter(program__in=programs, phase__in=OPEN_PHASES)
        if people is not None:
            rows = rows.filter(pk__in=relationships.values("pk"))
        out.at_risk += at_risk_only(rows, now=now).count()

    # Meetings against the cadence, for relationships that are running.
    running = relationships.filter(
        phase__in=[Phase.ACTIVE, Phase.CLOSING], activated_at__isnull=False
    )
    out.meetings_held = Meeting.objects.filter(
        mentorship__in=running, status=MeetingStatus.HELD
    ).count()
    age = ExpressionWrapper(now - F("activated_at"), output_field=DurationField())
    spans = running.aggregate(
        n=Count("pk"), age=Avg(age), cadence=Avg("program__meeting_cadence_days")
    )
    if spans["n"]:
        out.meetings_per_relationship = round(out.meetings_held / spans["n"], 2)
        days = _days(spans["age"]) or 0.0
        cadence = float(spans["cadence"] or 30)
        out.meetings_expected_per_relationship = round(days / cadence, 2)

    goals = Goal.objects.filter(mentorship__in=relationships).aggregate(
        n=Count("pk"), met=Count("pk", filter=Q(status="achieved"))
    )
    out.goals_set, out.goals_met = goals["n"], goals["met"]

    for outcome, phase, n in (
        relationships.filter(phase__in=ENDED_PHASES)
        .order_by()
        .values_list("outcome", "phase")
        .annotate(n=Count("pk"))
    ):
        key = outcome or ("redefined" if phase == Phase.REDEFINED else "unrecorded")
        out.outcomes[key] = out.outcomes.get(key, 0) + n

    assignments = SurveyAssignment.objects.filter(program__in=programs)
    if people is not None:
        assignments = assignments.filter(user__in=people)
    surveys = assignments.aggregate(
        n=Count("pk"), answered=Count("pk", filter=Q(has_responded__isnull=False))
    )
    out.surveys_sent, out.surveys_answered = surveys["n"], surveys["answered"]
    out.survey_response_rate = _ratio(out.surveys_answered, out.surveys_sent)

    issued = Certificate.objects.valid().filter(program__in=programs)
    if people is not None:
        issued = issued.filter(holder__in=people)
    certs = issued.aggregate(n=Count("pk"), hours=Sum("cpd_hours"))
    out.certificates = certs["n"]
    out.cpd_hours = float(certs["hours"] or Decimal(0))

    if not trends:
        return out
    starts = month_starts(now)
    out.months = [s.strftime("%Y-%m") for s in starts]
    out.trends = {
        "relationships_started": _monthly(relationships, "created_at", starts),
        "meetings_held": _monthly(
            Meeting.objects.filter(
                mentorship__in=relationships, status=MeetingStatus.HELD, starts_at__lte=now
            ),
            "starts_at",
            starts,
        ),
        "relationships_closed": _monthly(
            relationships.filter(phase__in=ENDED_PHASES), "closed_at", starts
        ),
        "certificates_issued": _monthly(issued, "issued_at", starts),
    }
    return out


def trend_labels() -> dict[str, str]:
    return {
        "relationships_started": _("Relationships started"),
        "meetings_held": _("Meetings held"),
        "relationships_closed": _("Relationships closed"),
        "certificates_issued": _("Certificates issued"),
    }


def outcome_label(value: str) -> str:
    if value == "redefined":
        return _("Continued as another relationship")
    if value == "unrecorded":
        return _("Not recorded")
    labels = dict(Outcome.choices)
    return str(labels.get(value, value))


def role_label(value: str) -> str:
    return str(dict(MentoringRole.choices).get(value, value))


def phase_label(value: str) -> str:
    return str(dict(Phase.choices).get(value, value))


def summary_rows(f: Figures) -> list[tuple[str, Any]]:
    """(label, value) for the export and the page's headline table."""

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.0%}"

    rows: list[tuple[str, Any]] = [
        (_("Approved mentees"), f.mentees),
        (_("Mentees matched"), f.matched),
        (_("Match rate"), pct(f.match_rate)),
        (_("Average days to match"), "—" if f.days_to_match is None else f.days_to_match),
        (_("Active relationships"), f.active),
        (_("At risk"), f.at_risk),
        (_("Meetings held (running relationships)"), f.meetings_held),
        (
            _("Meetings per relationship"),
            "—" if f.meetings_per_relationship is None else f.meetings_per_relationship,
        ),
        (
            _("Meetings expected by the cadence"),
            "—"
            if f.meetings_expected_per_relationship is None
            else f.meetings_expected_per_relationship,
        ),
        (_("Goals set"), f.goals_set),
        (_("Goals met"), f.goals_met),
        (_("Surveys sent"), f.surveys_sent),
        (_("Survey response rate"), pct(f.survey_response_rate)),
        (_("Certificates issued"), f.certificates),
        (_("CPD hours certified"), f.cpd_hours),
    ]
    rows += [
        (_("Relationships: %(phase)s") % {"phase": phase_label(k)}, v)
        for k, v in sorted(f.by_phase.items())
    ]
    rows += [
        (_("Relationships: %(role)s") % {"role": role_label(k)}, v)
        for k, v in sorted(f.by_role.items())
    ]
    rows += [
        (_("Closure outcome: %(outcome)s") % {"outcome": outcome_label(k)}, v)
        for k, v in sorted(f.outcomes.items())
    ]
    return rows
