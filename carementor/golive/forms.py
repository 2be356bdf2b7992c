from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.golive.models import PULSE_ITEMS, Severity, Team, TeamRole, Technology
from carementor.lib.text import clean_text
from carementor.organizations.models import Organization
from carementor.programs.models import Program

AGREEMENT = [
    (1, _("1 · Strongly disagree")),
    (2, _("2 · Disagree")),
    (3, _("3 · Neither")),
    (4, _("4 · Agree")),
    (5, _("5 · Strongly agree")),
]


def _people(field: forms.Field, queryset: QuerySet[User]) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    field.label_from_instance = lambda user: user.get_full_name()  # type: ignore[method-assign,assignment]


class GoLiveForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), to_field_name="code"
    )
    program = forms.ModelChoiceField(
        label=_("Programme (optional)"),
        queryset=Program.objects.none(),
        to_field_name="code",
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=200, validators=[clean_text])
    site = forms.CharField(label=_("Site or ward"), max_length=200, validators=[clean_text])
    technology = forms.ChoiceField(label=_("Technology"), choices=Technology.choices)
    go_live_on = forms.DateField(
        label=_("Go-live date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organization"]
        program_field = self.fields["program"]
        assert isinstance(org_field, forms.ModelChoiceField)
        assert isinstance(program_field, forms.ModelChoiceField)
        org_field.queryset = organizations
        program_field.queryset = Program.objects.filter(organization__in=organizations).order_by(
            "name"
        )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120, validators=[clean_text])


class MemberForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), to_field_name="code"
    )
    email = forms.EmailField(label=_("Their e-mail address in this organization"))
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams


class ChecklistForm(forms.Form):
    title = forms.CharField(label=_("Readiness item"), max_length=200, validators=[clean_text])


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, validators=[clean_text])
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class IssueForm(forms.Form):
    title = forms.CharField(label=_("Issue"), max_length=200, validators=[clean_text])
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    team = forms.ModelChoiceField(
        label=_("Team (optional)"),
        queryset=Team.objects.none(),
        to_field_name="code",
        required=False,
    )
    detail = forms.CharField(
        label=_("Detail (no patient identifiers)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[clean_text],
    )


class PulseForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything else the coaches should hear? (optional, shown without your name)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items: dict[str, forms.Field] = {
            key: forms.TypedChoiceField(
                label=label, choices=AGREEMENT, coerce=int, widget=forms.RadioSelect
            )
            for key, label in PULSE_ITEMS
        }
        self.fields = {**items, **self.fields}  # type: ignore[assignment]

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _label in PULSE_ITEMS}


class PairForm(forms.Form):
    junior = forms.ModelChoiceField(
        label=_("Junior colleague (coaches)"), queryset=User.objects.none(), to_field_name="code"
    )
    senior = forms.ModelChoiceField(
        label=_("Senior colleague (is coached)"), queryset=User.objects.none(), to_field_name="code"
    )
    focus = forms.CharField(
        label=_("Focus (optional)"), max_length=200, required=False, validators=[clean_text]
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["junior"], people)
        _people(self.fields["senior"], people)
