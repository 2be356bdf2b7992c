"""The national programme lead's view: the dashboard's figures across organizations.

A national programme is run by an organization of kind "national programme" (the open
network's own organization is one); its programmes take in members of many organizations.
Its lead — an admin or coordinator there, or platform staff — reads the figures of all its
programmes together, then the same figures for each organization whose members take part:
the mentees they enrolled, the relationships they are in on either side, their surveys and
certificates (``figures(people=...)``). Someone in two organizations counts in both.

Small cells are withheld: an organization with fewer than ``MIN_CELL`` people taking part
shows that it is small and nothing else, as the other aggregate reports do.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.insights.figures import Figures, figures
from carementor.organizations.models import Membership, Organization
from carementor.programs.models import Enrollment, Program

# The smallest group whose figures are shown (the k of the ratings and well-being reports).
MIN_CELL = 5
# Organizations per page: each is one set of aggregate queries.
PAGE_SIZE = 10


@dataclass
class OrganizationRow:
    code: str  # "" for people who belong to no organization
    name: str
    participants: int
    figures: Figures | None  # None: withheld, fewer than MIN_CELL people

    @property
    def withheld(self) -> bool:
        return self.figures is None


def national_programs(organization: Organization) -> "QuerySet[Program]":
    return Program.objects.filter(organization=organization)


def _participants(programs: "QuerySet[Program]") -> "QuerySet[Any]":
    return Enrollment.objects.filter(
        program__in=programs, status=Enrollment.Status.APPROVED
    ).values("user_id")


class OrganizationRows(Sequence[OrganizationRow]):
    """Every organization taking part, by name, then the people in none; the figures are
    computed only for the slice asked for (a page), so a page costs the same however many
    organizations and people there are."""

    def __init__(self, programs: "QuerySet[Program]", *, now: datetime | None = None) -> None:
        self.programs = programs
        self.now = now or timezone.now()
        people = _participants(programs)
        self.organizations = (
            Organization.objects.filter(memberships__user__in=people)
            .distinct()
            .order_by("name", "pk")
        )
        self._named: int | None = None
        self._unaffiliated: int | None = None

    def named(self) -> int:
        if self._named is None:
            self._named = self.organizations.count()
        return self._named

    def unaffiliated(self) -> int:
        if self._unaffiliated is None:
            self._unaffiliated = (
                Enrollment.objects.filter(
                    program__in=self.programs, status=Enrollment.Status.APPROVED
                )
                .exclude(user__in=Membership.objects.values("user_id"))
                .values("user_id")
                .distinct()
                .count()
            )
        return self._unaffiliated

    def __len__(self) -> int:
        return self.named() + (1 if self.unaffiliated() else 0)

    @overload
    def __getitem__(self, index: int) -> OrganizationRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[OrganizationRow]: ...
    def __getitem__(self, index: int | slice) -> OrganizationRow | list[OrganizationRow]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        organizations = list(self.organizations[start:stop])
        rows = self._rows(organizations)
        named = self.named()
        if stop > named and start <= named and self.unaffiliated():
            rows.append(self._row("", "", self.unaffiliated(), self._nobody()))
        return rows

    def __iter__(self) -> Iterator[OrganizationRow]:
        yield from self[0 : len(self)]

    def _nobody(self) -> "QuerySet[Any]":
        return (
            _participants(self.programs)
            .exclude(user__in=Membership.objects.values("user_id"))
            .values("user_id")
        )

    def _rows(self, organizations: list[Organization]) -> list[OrganizationRow]:
        people = _participants(self.programs)
        counts = dict(
            Membership.objects.filter(organization__in=organizations, user__in=people)
            .order_by()
            .values("organization_id")
            .annotate(n=Count("user_id", distinct=True))
            .values_list("organization_id", "n")
        )
        return [
            self._row(
                o.code,
                o.name,
                counts.get(o.pk, 0),
                Membership.objects.filter(organization=o).values("user_id"),
            )
            for o in organizations
        ]

    def _row(self, code: str, name: str, n: int, people: "QuerySet[Any]") -> OrganizationRow:
        shown = (
            figures(self.programs, now=self.now, people=people, trends=False)
            if n >= MIN_CELL
            else None
        )
        return OrganizationRow(code=code, name=name, participants=n, figures=shown)


def columns() -> list[tuple[str, str]]:
    """(figure, label) of each organization's row, in the page's and the exports' order."""
    return [
        ("mentees", _("Approved mentees")),
        ("matched", _("Mentees matched")),
        ("match_rate", _("Match rate")),
        ("days_to_match", _("Average days to match")),
        ("active", _("Active relationships")),
        ("at_risk", _("At risk")),
        ("meetings_per_relationship", _("Meetings per relationship")),
        ("meetings_expected_per_relationship", _("Meetings expected by the cadence")),
        ("goals_set", _("Goals set")),
        ("goals_met", _("Goals met")),
        ("survey_response_rate", _("Survey response rate")),
        ("certificates", _("Certificates issued")),
        ("cpd_hours", _("CPD hours certified")),
    ]


def row_name(row: OrganizationRow) -> str:
    return row.name or _("No organization")


def row_values(row: OrganizationRow) -> list[Any]:
    """The row's figures as shown: percentages for rates, "—" for none; withheld: empty."""
    if row.figures is None:
        return []
    values: list[Any] = []
    for key, _label in columns():
        value = getattr(row.figures, key)
        if value is None:
            values.append("—")
        elif key.endswith("_rate"):
            values.append(f"{value:.0%}")
        else:
            values.append(value)
    return values


def withheld_text() -> str:
    return _("Fewer than %(k)d people take part: figures withheld.") % {"k": MIN_CELL}
