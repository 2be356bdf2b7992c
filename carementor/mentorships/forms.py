"""Forms for the relationship pages; they validate, services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.mentorships.models import Outcome
from carementor.mentorships.services import AgreementData
from carementor.organizations.models import Membership
from carementor.profiles.models import MentoringRole
from carementor.programs.models import Program


class DateInput(forms.DateInput):
    input_type = "date"


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    goals = forms.CharField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What the mentee wants to achieve, in their words."),
    )
    expectations = forms.CharField(
        label=_("Expectations of each other"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    meeting_frequency = forms.CharField(label=_("How often we meet"), max_length=200)
    meeting_mode = forms.CharField(
        label=_("How we meet"),
        max_length=200,
        required=False,
        help_text=_("In person, video or phone."),
    )
    duration = forms.CharField(label=_("For how long"), max_length=200, required=False)
    confidentiality = forms.CharField(
        label=_("Confidentiality and its limits"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("In plain words, including when confidentiality must be broken."),
    )

    def to_data(self) -> AgreementData:
        data = self.cleaned_data
        return AgreementData(
            goals=data["goals"],
            expectations=data["expectations"],
            meeting_frequency=data["meeting_frequency"],
            meeting_mode=data["meeting_mode"],
            duration=data["duration"],
            confidentiality=data["confidentiality"],
        )


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read this agreement and agree to it."), required=True
    )


class HelpForm(forms.Form):
    reason = forms.CharField(
        label=_("What would help? (only the coordinator reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ExtensionForm(forms.Form):
    new_ends_on = forms.DateField(label=_("Extend to"), widget=DateInput)
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def clean_new_ends_on(self) -> Any:
        value = self.cleaned_data["new_ends_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return value


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reflection = forms.CharField(
        label=_("What did we achieve against our goals?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    redefined_as = forms.ChoiceField(
        label=_("Continue as (optional)"),
        choices=[("", _("No — the relationship ends here")), *MentoringRole.choices],
        required=False,
        help_text=_("Many relationships continue as peers or colleagues."),
    )


def _members_by_email(organization: Any, raw: str, field: str) -> list[User]:
    emails = [e.strip().lower() for e in raw.replace(";", ",").split(",") if e.strip()]
    if not emails:
        raise forms.ValidationError(_("Enter at least one e-mail address."))
    members = Membership.objects.filter(
        organization=organization, user__email__in=emails
    ).select_related("user")
    found = {m.user.email: m.user for m in members}
    missing = [e for e in emails if e not in found]
    if missing:
        raise forms.ValidationError(
            _("Not members of this organization: %(emails)s"), params={"emails": ", ".join(missing)}
        )
    return [found[e] for e in emails]


class CreateForm(forms.Form):
    """A coordinator pairs people directly."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label=_("Programme"), to_field_name="code"
    )
    role = forms.ChoiceField(label=_("Relationship"), choices=MentoringRole.choices)
    mentors = forms.CharField(
        label=_("Mentor e-mail addresses"), max_length=1000, help_text=_("Separate with commas.")
    )
    mentees = forms.CharField(
        label=_("Mentee e-mail addresses"),
        max_length=2000,
        help_text=_("Several mentees make a group mentorship."),
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program = data.get("program")
        if program is None:
            return data
        for field in ("mentors", "mentees"):
            if field in data:
                try:
                    data[f"{field}_users"] = _members_by_email(
                        program.organization, data[field], field
                    )
                except forms.ValidationError as error:
                    self.add_error(field, error)
        return data
