from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.network.models import MentorOffer
from carementor.profiles.models import Competency, Country, Language
from carementor.profiles.roles import role_choices_defined


class OfferForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles I offer"), choices=role_choices_defined, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Open mentees at once"), min_value=1, max_value=20)
    online = forms.BooleanField(label=_("Online"), required=False)
    in_person = forms.BooleanField(label=_("In person"), required=False)
    regions = forms.CharField(
        label=_("States or regions"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas; empty means anywhere in the countries chosen."),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"), queryset=Country.objects.all(), to_field_name="code", required=False
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages I mentor in"),
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Competency.objects.all(),
        to_field_name="code",
        required=False,
    )
    is_active = forms.BooleanField(
        label=_("Offer mentoring in the open network now"), required=False
    )

    @classmethod
    def initial_for(cls, offer: MentorOffer | None) -> dict[str, Any]:
        if offer is None:
            return {"roles": ["mentor"], "capacity": 1, "online": True, "is_active": True}
        return {
            "roles": offer.roles,
            "capacity": offer.capacity,
            "online": offer.online,
            "in_person": offer.in_person,
            "regions": offer.regions,
            "countries": list(offer.countries.all()),
            "languages": list(offer.languages.all()),
            "topics": list(offer.topics.all()),
            "is_active": offer.is_active,
        }


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How would you rate your mentor, privately?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "5 is excellent, 1 is poor. Nobody sees your rating; platform staff see only "
            "averages of at least five people."
        ),
    )
