from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.lib.text import clean_text
from carementor.logbooks.models import Entrustment
from carementor.profiles.models import Competency


class EntryForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"), queryset=Competency.objects.all(), to_field_name="code"
    )
    activity = forms.CharField(label=_("What you did"), max_length=300, validators=[clean_text])
    performed_on = forms.DateField(label=_("When"), widget=forms.DateInput(attrs={"type": "date"}))
    setting = forms.CharField(
        label=_("Where"), max_length=200, required=False, validators=[clean_text]
    )
    level = forms.TypedChoiceField(
        label=_("Level of supervision"), choices=Entrustment.choices, coerce=int
    )
    reflection = forms.CharField(
        label=_("Reflection (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )
    observer = forms.ModelChoiceField(
        label=_("Ask to observe and sign off"), queryset=User.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, observers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["observer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = observers
        field.label_from_instance = lambda user: user.get_full_name()  # type: ignore[method-assign,assignment]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("sign", _("Sign off")), ("decline", _("Do not sign"))],
        widget=forms.RadioSelect,
    )
    observed_level = forms.TypedChoiceField(
        label=_("Entrustment level you observed"),
        choices=[("", "—"), *Entrustment.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )


class RequirementForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"), queryset=Competency.objects.all(), to_field_name="code"
    )
    signed_entries = forms.IntegerField(
        label=_("Signed-off entries needed"), min_value=1, max_value=100
    )
