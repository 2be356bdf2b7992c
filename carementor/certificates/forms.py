from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.certificates.models import CompletionRule
from carementor.certificates.services import RULE_FIELDS


class RuleForm(forms.ModelForm):
    label_suffix = ""

    class Meta:
        model = CompletionRule
        fields = list(RULE_FIELDS)
        widgets = {
            "meetings_held": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "goals_achieved": forms.NumberInput(attrs={"min": 0, "max": 50}),
        }

    def clean_meetings_held(self) -> int:
        value = self.cleaned_data["meetings_held"]
        if value > 100:
            raise forms.ValidationError(_("At most 100 meetings."))
        return value

    def clean_goals_achieved(self) -> int:
        value = self.cleaned_data["goals_achieved"]
        if value > 50:
            raise forms.ValidationError(_("At most 50 goals."))
        return value

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if not self.errors and not any(data.get(name) for name in RULE_FIELDS):
            raise forms.ValidationError(_("Choose at least one requirement, or remove the rule."))
        return data


class SettingsForm(forms.Form):
    signatory_name = forms.CharField(label=_("Signatory's name"), max_length=150, required=False)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=150, required=False)
    logo = forms.FileField(
        label=_("Logo (PNG or JPEG, 512 KB at most)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (told to the holder, never shown publicly)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CpdEntryForm(forms.Form):
    activity = forms.CharField(label=_("Activity"), max_length=300)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("999"),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(
        label=_("Evidence (optional)"),
        max_length=300,
        required=False,
        help_text=_("A certificate number, a link, or where the proof is kept."),
    )

    def clean_date(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
