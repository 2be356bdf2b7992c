from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.integrations.models import HR_REQUIRED_FIELDS, HrFeed, HrField, WebhookEvent
from carementor.lib.text import clean_name
from carementor.organizations.models import Role

GROUP_ROLE_CHOICES = [("", _("No role (membership only)"))] + [
    (role.value, role.label) for role in Role if role != Role.MEMBER
]


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say where it is used, e.g. “Microsoft Entra ID provisioning”."),
        validators=[clean_name],
    )


class GroupRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role granted"), choices=GROUP_ROLE_CHOICES, required=False)


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address that accepts POST requests with a JSON body."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, validators=[clean_name]
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class HrFeedForm(forms.Form):
    name = forms.CharField(label=_("Feed name"), max_length=100, validators=[clean_name])
    source = forms.ChoiceField(
        label=_("Where the file comes from"),
        choices=HrFeed.Source.choices,
        widget=forms.RadioSelect,
        initial=HrFeed.Source.STORAGE,
    )
    file_name = forms.CharField(
        label=_("File name in storage"),
        max_length=100,
        required=False,
        initial="staff.csv",
        help_text=_("The HR system (or you, below) puts the CSV or XLSX file here."),
    )
    url = forms.URLField(
        label=_("HTTPS address of the file"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    frequency = forms.ChoiceField(
        label=_("Schedule"), choices=HrFeed.Frequency.choices, initial=HrFeed.Frequency.DAILY
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One text field per mappable column: the header as it is written in the file.
        for field in HrField:
            self.fields[f"map_{field.value}"] = forms.CharField(
                label=_("Column for: %(field)s") % {"field": field.label},
                max_length=100,
                required=field in HR_REQUIRED_FIELDS,
                validators=[clean_name],
            )

    def mapping(self) -> dict[str, str]:
        return {
            field.value: self.cleaned_data.get(f"map_{field.value}", "")
            for field in HrField
            if self.cleaned_data.get(f"map_{field.value}")
        }

    @classmethod
    def for_feed(cls, feed: HrFeed) -> "HrFeedForm":
        initial: dict[str, Any] = {
            "name": feed.name,
            "source": feed.source,
            "file_name": feed.storage_name.rsplit("/", 1)[-1],
            "url": feed.url,
            "frequency": feed.frequency,
        }
        initial.update({f"map_{key}": header for key, header in feed.mapping.items()})
        return cls(initial=initial)


class HrFeedUploadForm(forms.Form):
    file = forms.FileField(label=_("Staff list (CSV or XLSX)"))


class HrFeedApplyForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the joiners, changes and leavers above; apply them."),
        required=True,
    )


class CalendarForm(forms.Form):
    url = forms.CharField(
        label=_("Your calendar's private address (iCalendar)"),
        max_length=2000,
        help_text=_(
            "In Google Calendar: Settings → your calendar → “Secret address in iCal format”; "
            "in Outlook: Calendar → Shared calendars → Publish → ICS. Only busy times are kept."
        ),
    )
