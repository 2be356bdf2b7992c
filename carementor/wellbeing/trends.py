"""Trends: a person's own check-ins over time (for them only), and a programme's aggregate
by month, withheld for any month with fewer than ``MIN_GROUP`` people."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.evaluations.charts import Chart, timeline_chart
from carementor.programs.models import Enrollment, Program
from carementor.wellbeing import who5
from carementor.wellbeing.models import CheckIn

# The smallest group whose figures a programme may see.
MIN_GROUP = 5
# How many check-ins a person's trend shows.
TREND_POINTS = 12


@dataclass(frozen=True)
class Point:
    code: str
    taken_at: datetime
    score: int
    burnout: int
    band: str


def personal_points(user: User) -> list[Point]:
    """The last TREND_POINTS check-ins, oldest first."""
    rows = list(
        CheckIn.objects.of(user).only("code", "taken_at", "score", "burnout")[:TREND_POINTS]
    )
    return [Point(r.code, r.taken_at, r.score, r.burnout, r.reading().band) for r in reversed(rows)]


def personal_chart(points: list[Point]) -> Chart | None:
    if len(points) < 2:
        return None
    labels = [date_format(timezone.localtime(p.taken_at), "j M") for p in points]
    return timeline_chart(
        "wellbeing-trend",
        labels,
        [(_("WHO-5 well-being (0-100)"), [float(p.score) for p in points])],
        title=_("Your well-being over your last check-ins"),
        description=_(
            "WHO-5 percentage score at each check-in, oldest on the left; at or below %(poor)d "
            "means lower well-being. The table below gives the same numbers."
        )
        % {"poor": who5.POOR_AT_OR_BELOW},
        value_label=_("WHO-5 (0-100)"),
        scale=(0, 100),
    )


@dataclass(frozen=True)
class Month:
    month: date
    people: int
    # None when the month's group is smaller than MIN_GROUP.
    mean_score: float | None
    burnout_share: float | None

    @property
    def withheld(self) -> bool:
        return self.mean_score is None


def program_months(program: Program, *, months: int = 12) -> list[Month]:
    """Per month: how many of the programme's approved participants checked in, their mean
    WHO-5 score and the share of check-ins with burnout symptoms — withheld below MIN_GROUP."""
    since = timezone.now() - timedelta(days=31 * months)
    participants = Enrollment.objects.filter(
        program=program, status=Enrollment.Status.APPROVED
    ).values("user")
    rows = (
        CheckIn.objects.filter(user__in=participants, taken_at__gte=since)
        .annotate(month=TruncMonth("taken_at"))
        .values("month")
        .annotate(
            people=Count("user", distinct=True),
            n=Count("id"),
            mean=Avg("score"),
            burnt=Count("id", filter=Q(burnout__gte=who5.BURNOUT_FROM)),
        )
        .order_by("month")
    )
    out = []
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        if row["people"] < MIN_GROUP:
            out.append(Month(month, row["people"], None, None))
        else:
            out.append(
                Month(
                    month, row["people"], round(row["mean"], 1), round(row["burnt"] / row["n"], 3)
                )
            )
    return out


def program_chart(months: list[Month]) -> Chart | None:
    shown = [m for m in months if not m.withheld]
    if len(shown) < 2:
        return None
    return timeline_chart(
        "wellbeing-programme",
        [date_format(m.month, "M Y") for m in months],
        [(_("Mean WHO-5 (0-100)"), [m.mean_score for m in months])],
        title=_("Participants' well-being by month"),
        description=_(
            "Mean WHO-5 percentage of the participants who checked in each month; months with "
            "fewer than %(min)d people are left out. The table gives the same numbers."
        )
        % {"min": MIN_GROUP},
        value_label=_("WHO-5 (0-100)"),
        scale=(0, 100),
    )
