from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from carementor.lib.text import clean_text
from carementor.wellbeing import who5
from carementor.wellbeing.models import NOTE_MAX, SupportContacts


class CheckInForm(forms.Form):
    burnout = forms.TypedChoiceField(
        label=who5.BURNOUT_QUESTION,
        choices=who5.BURNOUT_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything you want to note for yourself (optional, only you will see it)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items: dict[str, forms.Field] = {}
        for index, text in enumerate(who5.ITEMS, start=1):
            items[f"item{index}"] = forms.TypedChoiceField(
                label=text, choices=who5.SCALE, coerce=int, widget=forms.RadioSelect
            )
        self.fields = {**items, **self.fields}

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item{i}"] for i in range(1, 6)]

    def answers(self) -> list[int]:
        return [int(self.cleaned_data[f"item{i}"]) for i in range(1, 6)]


def _contact_field(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SupportContactsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SupportContacts
        formfield_callback = _contact_field
        fields = [
            "eap_name",
            "eap_phone",
            "eap_email",
            "eap_url",
            "eap_hours",
            "oh_name",
            "oh_phone",
            "oh_email",
            "oh_url",
            "oh_hours",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class PreferenceForm(forms.Form):
    monthly_invitation = forms.BooleanField(
        label=_("Invite me to a check-in every month"), required=False
    )


class ShareForm(forms.Form):
    mentorship = forms.ChoiceField(label=_("Share with the mentors of"))
    message = forms.CharField(
        label=_("A word to your mentor (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[clean_text],
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentorship"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
