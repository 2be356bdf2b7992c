from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.text import clean_name
from carementor.lib.timezones import timezone_names

MAX_TOKEN_DAYS = 366


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “reporting script”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        help_text=_("Leave empty for a token that works until you revoke it."),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def language_choices() -> list[tuple[str, Any]]:
    return [("", _("Same as my browser")), *settings.LANGUAGES]


class AccountSettingsForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, required=False, validators=[clean_name]
    )
    preferred_name = forms.CharField(
        label=_("Name to greet you by"),
        max_length=60,
        required=False,
        validators=[clean_name],
        help_text=_(
            "How CareMentor greets you, e.g. “Meera” or “Dr Pillai”. Leave empty to use your first name."
        ),
    )
    timezone = forms.ChoiceField(
        label=_("Timezone"),
        choices=timezone_choices,
        help_text=_("Meeting times and deadlines are shown in this timezone."),
    )
    language = forms.ChoiceField(
        label=_("Interface language"), choices=language_choices, required=False
    )

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_preferred_name(self) -> str:
        return " ".join(self.cleaned_data["preferred_name"].split())
