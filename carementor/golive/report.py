"""A go-live's report: adoption progress (milestones passed, checklist done, open issues) and
the team pulse after each milestone, withheld for any group smaller than ``MIN_GROUP``."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from carementor.evaluations.charts import Chart, timeline_chart
from carementor.golive.models import (
    PULSE_ITEMS,
    PULSE_SHORT,
    GoLive,
    IssueStatus,
    Milestone,
    PulseResponse,
    Severity,
)

# The smallest group whose pulse anyone may see (as for well-being trends).
MIN_GROUP = 5


@dataclass(frozen=True)
class Progress:
    milestones: int
    milestones_passed: int
    checklist: int
    checklist_done: int
    open_issues: int
    open_by_severity: dict[str, int]
    resolved_issues: int


def progress_of(golive: GoLive) -> Progress:
    milestones = golive.milestones.aggregate(
        n=Count("id"), passed=Count("id", filter=Q(passed_on__isnull=False))
    )
    checklist = golive.checklist.aggregate(
        n=Count("id"), done=Count("id", filter=Q(done_at__isnull=False))
    )
    issues = dict(
        golive.issues.filter(status=IssueStatus.OPEN)
        .values("severity")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("severity", "n")
    )
    return Progress(
        milestones["n"],
        milestones["passed"],
        checklist["n"],
        checklist["done"],
        sum(issues.values()),
        {s: issues.get(s, 0) for s in Severity.values},
        golive.issues.filter(status=IssueStatus.RESOLVED).count(),
    )


@dataclass(frozen=True)
class PulseRow:
    """One group's pulse after one milestone; ``means`` is empty when withheld."""

    label: str
    people: int
    means: dict[str, float] = field(default_factory=dict)
    comments: tuple[str, ...] = ()

    @property
    def withheld(self) -> bool:
        return not self.means


@dataclass(frozen=True)
class MilestonePulse:
    milestone: Milestone
    overall: PulseRow
    teams: tuple[PulseRow, ...]


def _row(label: str, values: dict[str, Any], comments: tuple[str, ...] = ()) -> PulseRow:
    people = int(values["people"])
    if people < MIN_GROUP:
        return PulseRow(label, people)
    means = {key: round(float(values[key]), 2) for key, _label in PULSE_ITEMS}
    return PulseRow(label, people, means, comments)


def pulse_of(golive: GoLive) -> list[MilestonePulse]:
    """Per passed milestone, oldest first: the whole go-live and each team, each withheld
    below MIN_GROUP people. Comments are shown without names, and only for a whole
    go-live group that is shown."""
    averages = {key: Avg(key) for key, _label in PULSE_ITEMS}
    milestones = list(golive.milestones.filter(passed_on__isnull=False).order_by("passed_on", "id"))
    responses = PulseResponse.objects.filter(milestone__in=milestones)
    overall: dict[int, dict[str, Any]] = {
        row["milestone"]: dict(row)
        for row in responses.values("milestone").annotate(people=Count("id"), **averages).order_by()
    }
    by_team: dict[int, list[dict[str, Any]]] = {}
    for row in (
        responses.values("milestone", "team__name")
        .annotate(people=Count("id"), **averages)
        .order_by("team__name")
    ):
        by_team.setdefault(row["milestone"], []).append(dict(row))
    comments: dict[int, list[str]] = {}
    shown = [m.pk for m in milestones if overall.get(m.pk, {}).get("people", 0) >= MIN_GROUP]
    for milestone_id, text in (
        responses.filter(milestone_id__in=shown)
        .exclude(comment="")
        .order_by("comment")  # never in answering order: that would help guess who wrote it
        .values_list("milestone", "comment")
    ):
        comments.setdefault(milestone_id, []).append(text)
    out = []
    for m in milestones:
        values: dict[str, Any] = overall.get(m.pk, {"people": 0})
        out.append(
            MilestonePulse(
                m,
                _row(_("Whole go-live"), values, tuple(comments.get(m.pk, ()))),
                tuple(_row(str(r["team__name"]), r) for r in by_team.get(m.pk, [])),
            )
        )
    return out


def pulse_chart(pulses: list[MilestonePulse]) -> Chart | None:
    if sum(1 for p in pulses if not p.overall.withheld) < 1:
        return None
    labels = [p.milestone.title[:24] for p in pulses]
    series = [
        (str(PULSE_SHORT[key]), [p.overall.means.get(key) for p in pulses])
        for key, _label in PULSE_ITEMS
    ]
    return timeline_chart(
        "golive-pulse",
        labels,
        series,
        title=_("Team pulse after each milestone"),
        description=_(
            "Mean agreement (1 strongly disagree to 5 strongly agree) with each pulse statement "
            "after each milestone, oldest on the left; milestones with fewer than %(min)d "
            "answers are left out. The table gives the same numbers."
        )
        % {"min": MIN_GROUP},
        value_label=_("Mean (1-5)"),
        scale=(1, 5),
    )
