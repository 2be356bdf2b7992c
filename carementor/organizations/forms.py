from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carementor.lib.timezones import timezone_names
from carementor.organizations.models import Organization, Role
from carementor.organizations.services import validate_country

GRANTABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.MEMBER]


def role_labels(roles: Iterable[str]) -> list[str]:
    """Readable labels for granted roles, led by "Member", which everyone is."""
    granted = [Role(role) for role in roles if role in Role.values and role != Role.MEMBER]
    return [str(role.label) for role in [Role.MEMBER, *granted]]


def roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=GRANTABLE_ROLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everyone is a member; tick any roles to add."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    roles = roles_field()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RolesForm(forms.Form):
    roles = roles_field()


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in timezone_names()]


def _country_choices() -> list[tuple[str, str]]:
    from carementor.profiles.models import Country

    return [(c.code, f"{c.name} ({c.code})") for c in Country.objects.order_by("name")]


class OrganizationForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Timezone"), choices=_timezone_choices)

    class Meta:
        model = Organization
        fields = ["name", "kind", "country", "timezone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The country vocabulary is data shipped by the profiles app; use it when loaded.
        countries = _country_choices()
        if countries:
            self.fields["country"] = forms.ChoiceField(
                label=_("Country"), choices=[("", "—"), *countries]
            )

    def clean_country(self) -> str:
        try:
            return validate_country(str(self.cleaned_data["country"]))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["country"]) from exc


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *GRANTABLE_ROLES]
    )


class InvitationFilterForm(forms.Form):
    STATUSES = [
        ("", _("All")),
        ("pending", _("Pending")),
        ("expired", _("Expired")),
        ("accepted", _("Accepted")),
        ("revoked", _("Revoked or declined")),
    ]
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
