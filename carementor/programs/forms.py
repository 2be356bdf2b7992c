from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.matching.engine import Weights
from carementor.profiles.models import MentoringRole
from carementor.profiles.roles import role_choices_defined
from carementor.programs.models import Enrollment, EnrollmentQuestion, Program


def validate_weights(value: Any) -> dict[str, float]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise forms.ValidationError(_("Weights must be an object of component names to numbers."))
    try:
        Weights.from_mapping(value)
    except (TypeError, ValueError) as exc:
        raise forms.ValidationError(
            _("These weights are not valid: %(reason)s"), params={"reason": exc}
        ) from exc
    return {k: float(v) for k, v in value.items()}


class ProgramForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Relationship roles offered"),
        choices=role_choices_defined,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "summary",
            "format",
            "focus",
            "starts_on",
            "ends_on",
            "enrollment_opens_on",
            "enrollment_closes_on",
            "eligible_professions",
            "eligible_career_stages",
            "focus_competencies",
            "roles",
            "role_limits",
            "matching_mode",
            "verification_kind",
            "default_mentor_capacity",
            "circle_size",
            "max_open_requests",
            "request_expiry_days",
            "request_reminder_days",
            "pause_after_ignored",
            "meeting_cadence_days",
            "weights",
            "agreement_template",
            "cpd_hours_mentee",
            "cpd_hours_mentor",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "enrollment_opens_on": forms.DateInput(attrs={"type": "date"}),
            "enrollment_closes_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "agreement_template": forms.Textarea(attrs={"rows": 10}),
            "weights": forms.Textarea(attrs={"rows": 3}),
            "role_limits": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "role_limits": _(
                'For example {"coach": 2, "peer": 3}. Roles not named: one at a time.'
            ),
        }

    def clean_role_limits(self) -> dict[str, int]:
        value = self.cleaned_data.get("role_limits")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict) or any(k not in MentoringRole.values for k in value):
            raise forms.ValidationError(_("Give an object of role names to numbers."))
        try:
            limits = {k: int(v) for k, v in value.items()}
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Each limit must be a whole number.")) from exc
        if any(v < 1 or v > 20 for v in limits.values()):
            raise forms.ValidationError(_("Each limit must be between 1 and 20."))
        return limits

    def clean_weights(self) -> dict[str, float]:
        return validate_weights(self.cleaned_data.get("weights"))

    def clean_max_open_requests(self) -> int:
        value = int(self.cleaned_data["max_open_requests"])
        if value < 1:
            raise forms.ValidationError(_("Allow at least one open request."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The programme must end after it starts."))
        opens, closes = data.get("enrollment_opens_on"), data.get("enrollment_closes_on")
        if opens and closes and closes < opens:
            self.add_error("enrollment_closes_on", _("Enrolment must close after it opens."))
        return data


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=EnrollmentQuestion.Kind.choices)
    choices = forms.CharField(
        label=_("Choices (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    for_role = forms.ChoiceField(
        label=_("Asked of"),
        required=False,
        choices=[("", _("Everyone")), ("mentor", _("Mentors")), ("mentee", _("Mentees"))],
    )

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("choices", "").splitlines()]
        return [line[:200] for line in lines if line][:30]


class ApplyForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I want to take part as"),
        choices=Enrollment.Role.choices,
        widget=forms.RadioSelect,
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Enrollment.Status.APPROVED, _("Approve")),
            (Enrollment.Status.WAITLISTED, _("Waitlist")),
            (Enrollment.Status.DECLINED, _("Decline")),
        ]
    )
    note = forms.CharField(label=_("Note to the applicant"), max_length=500, required=False)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=50)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
