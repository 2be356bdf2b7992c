"""The competency grid: self-rated levels (1 novice … 5 expert) with optional targets.

The page shows one row per competency in the vocabulary; the API sends only the rows it
rates. Both are validated by the same formset.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carementor.profiles.labels import competency_domain_label
from carementor.profiles.models import Competency, Profile
from carementor.profiles.services import CompetencyLevel

LEVELS = [
    (1, _("1 · Novice")),
    (2, _("2 · Advanced beginner")),
    (3, _("3 · Competent")),
    (4, _("4 · Proficient")),
    (5, _("5 · Expert")),
]


class CompetencyLevelForm(forms.Form):
    """One competency's self-rated level (blank: not rated) and an optional target."""

    competency = forms.CharField(max_length=60, widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label=_("Your level"),
        choices=[("", _("Not rated")), *LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    target_level = forms.TypedChoiceField(
        label=_("Where you want to be"),
        choices=[("", _("No target")), *LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, competencies: Mapping[str, Competency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        self.competency_obj = competencies.get(str(self["competency"].value() or ""))
        name = self.competency_obj.name if self.competency_obj else ""
        # The row's header names the competency; screen readers need it on each select too.
        self.fields["level"].widget.attrs["aria-label"] = _("Your level: %(name)s") % {"name": name}
        self.fields["target_level"].widget.attrs["aria-label"] = _(
            "Where you want to be: %(name)s"
        ) % {"name": name}

    def clean_competency(self) -> Competency:
        code = self.cleaned_data["competency"]
        competency = self.competencies.get(code)
        if competency is None:
            raise ValidationError(
                _("“%(value)s” is not a known competency."), params={"value": code}
            )
        return competency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, target = data.get("level"), data.get("target_level")
        if target is not None and level is None:
            self.add_error("target_level", _("Rate your current level first."))
        elif target is not None and level is not None and target <= level:
            self.add_error(
                "target_level",
                _("A target must be above your current level (%(level)s).") % {"level": level},
            )
        return data

    def domain_label(self) -> str:
        return competency_domain_label(self.competency_obj) if self.competency_obj else ""

    def domain_key(self) -> str:
        """The group's key in URLs: one for all digital health, else the domain slug."""
        if self.competency_obj is None:
            return "other"
        return (
            "digital" if self.competency_obj.is_digital else self.competency_obj.domain or "other"
        )


class BaseCompetencyFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            competency = form.cleaned_data.get("competency")
            if competency is None:
                continue
            if competency.code in seen:
                raise ValidationError(
                    _("“%(value)s” is listed twice."), params={"value": competency.code}
                )
            seen.add(competency.code)

    def levels(self) -> list[CompetencyLevel]:
        """Rated rows only: a blank level means the person left it out."""
        return [
            CompetencyLevel(
                form.cleaned_data["competency"],
                form.cleaned_data["level"],
                form.cleaned_data["target_level"],
            )
            for form in self.forms
            if form.cleaned_data.get("level") is not None
        ]

    def groups(self) -> list["CompetencyGroup"]:
        """Rows grouped for the page: digital health first, then each domain.

        A group starts open when it is digital health (what most programmes here are
        about), holds a rating already, or has an error to fix; the rest start folded so
        the page stays short on a phone.
        """
        groups: dict[str, list[CompetencyLevelForm]] = {}
        labels: dict[str, str] = {}
        for form in self.forms:
            key = form.domain_key()
            groups.setdefault(key, []).append(form)
            labels.setdefault(key, form.domain_label() or str(_("Other")))
        result = []
        for key in sorted(groups, key=lambda key: (key != "digital", labels[key])):
            rows = groups[key]
            rated = sum(1 for row in rows if row["level"].value() not in (None, ""))
            has_errors = any(row.errors for row in rows) if self.is_bound else False
            result.append(
                CompetencyGroup(
                    key, labels[key], rows, rated, key == "digital" or bool(rated) or has_errors
                )
            )
        return result


class CompetencyGroup(NamedTuple):
    key: str
    label: str
    rows: list[CompetencyLevelForm]
    rated: int
    open: bool


CompetencyFormSet = forms.formset_factory(
    CompetencyLevelForm, formset=BaseCompetencyFormSet, extra=0, max_num=500, absolute_max=500
)
COMPETENCY_PREFIX = "competencies"


def competency_formset(
    profile: Profile, data: Any = None, *, rows: list[dict[str, Any]] | None = None
) -> BaseCompetencyFormSet:
    """The competency grid: one row per competency in the vocabulary, with the person's levels.

    With ``rows`` (from the API) the formset holds exactly those rows instead.
    """
    competencies = {c.code: c for c in Competency.objects.all()}
    if rows is not None:
        data = {
            f"{COMPETENCY_PREFIX}-TOTAL_FORMS": str(len(rows)),
            f"{COMPETENCY_PREFIX}-INITIAL_FORMS": "0",
        }
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{COMPETENCY_PREFIX}-{index}-{key}"] = "" if value is None else str(value)
    initial = None
    if data is None:
        levels = {row.competency_id: row for row in profile.competency_levels.all()}
        initial = [
            {
                "competency": competency.code,
                "level": levels[competency.pk].level if competency.pk in levels else None,
                "target_level": (
                    levels[competency.pk].target_level if competency.pk in levels else None
                ),
            }
            for competency in competencies.values()
        ]
    formset = CompetencyFormSet(
        data,
        initial=initial,
        prefix=COMPETENCY_PREFIX,
        form_kwargs={"competencies": competencies},
    )
    assert isinstance(formset, BaseCompetencyFormSet)
    return formset
