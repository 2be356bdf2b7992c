import re

from django import forms
from django.core.validators import validate_domain_name
from django.utils.translation import gettext_lazy as _

from carementor.organizations.models import Role
from carementor.sso.models import SsoConnection
from carementor.sso.services import ConnectionSettings, normalize_domain

MAX_METADATA_BYTES = 512 * 1024


class SsoConnectionForm(forms.Form):
    protocol = forms.ChoiceField(label=_("Protocol"), choices=SsoConnection.Protocol.choices)
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    domains = forms.CharField(
        label=_("E-mail domains"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "People whose address ends in one of these (one per line, e.g. indus.example) "
            "are offered “Sign in with your organization”."
        ),
    )
    oidc_issuer = forms.URLField(
        label=_("Issuer URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Its discovery document is read from /.well-known/openid-configuration."),
    )
    oidc_client_id = forms.CharField(label=_("Client ID"), max_length=200, required=False)
    oidc_client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current secret."),
    )
    saml_idp_entity_id = forms.CharField(
        label=_("Identity provider entity ID"), max_length=500, required=False
    )
    saml_metadata_url = forms.URLField(
        label=_("Metadata URL"), required=False, assume_scheme="https"
    )
    saml_metadata_file = forms.FileField(
        label=_("Metadata XML file"),
        required=False,
        help_text=_("Instead of the URL: the identity provider's metadata file."),
    )
    attr_name = forms.CharField(label=_("Name attribute"), max_length=200, initial="name")
    attr_email = forms.CharField(label=_("E-mail attribute"), max_length=200, initial="email")
    attr_employee_number = forms.CharField(
        label=_("Employee number attribute"), max_length=200, required=False
    )
    attr_department = forms.CharField(
        label=_("Department attribute"), max_length=200, required=False
    )
    default_role = forms.ChoiceField(
        label=_("Role on first sign-in"), choices=Role.choices, initial=Role.MEMBER
    )
    sso_required = forms.BooleanField(
        label=_("Require single sign-on"),
        required=False,
        help_text=_(
            "Members of this organization, and everyone in its domains, can no longer sign in "
            "or reset a password with a password."
        ),
    )

    def clean_domains(self) -> list[str]:
        domains = []
        for raw in re.split(r"[\s,;]+", self.cleaned_data["domains"]):
            domain = normalize_domain(raw)
            if not domain:
                continue
            try:
                validate_domain_name(domain)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(domain)s” is not a domain name.") % {"domain": domain}
                ) from exc
            domains.append(domain)
        return domains

    def clean_saml_metadata_file(self) -> str:
        upload = self.cleaned_data.get("saml_metadata_file")
        if not upload:
            return ""
        if upload.size > MAX_METADATA_BYTES:
            raise forms.ValidationError(_("The metadata file is too large."))
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The metadata file is not UTF-8 XML.")) from exc
        if "EntityDescriptor" not in text:
            raise forms.ValidationError(_("This is not SAML metadata (no EntityDescriptor)."))
        return text

    def settings(self, current: SsoConnection | None) -> ConnectionSettings:
        data = self.cleaned_data
        xml = data["saml_metadata_file"] or (current.saml_metadata_xml if current else "")
        if data["saml_metadata_url"] and not data["saml_metadata_file"]:
            xml = ""
        return ConnectionSettings(
            protocol=data["protocol"],
            is_enabled=data["is_enabled"],
            oidc_issuer=data["oidc_issuer"],
            oidc_client_id=data["oidc_client_id"].strip(),
            oidc_client_secret=data["oidc_client_secret"] or None,
            saml_idp_entity_id=data["saml_idp_entity_id"].strip(),
            saml_metadata_url=data["saml_metadata_url"],
            saml_metadata_xml=xml,
            attr_name=data["attr_name"].strip(),
            attr_email=data["attr_email"].strip(),
            attr_employee_number=data["attr_employee_number"].strip(),
            attr_department=data["attr_department"].strip(),
            default_role=data["default_role"],
            sso_required=data["sso_required"],
            domains=tuple(data["domains"]),
        )


def initial_for(connection: SsoConnection) -> dict[str, object]:
    return {
        "protocol": connection.protocol,
        "is_enabled": connection.is_enabled,
        "domains": "\n".join(d.domain for d in connection.domains.all()),
        "oidc_issuer": connection.oidc_issuer,
        "oidc_client_id": connection.oidc_client_id,
        "saml_idp_entity_id": connection.saml_idp_entity_id,
        "saml_metadata_url": connection.saml_metadata_url,
        "attr_name": connection.attr_name,
        "attr_email": connection.attr_email,
        "attr_employee_number": connection.attr_employee_number,
        "attr_department": connection.attr_department,
        "default_role": connection.default_role,
        "sso_required": connection.sso_required,
    }


class SsoStartForm(forms.Form):
    email = forms.EmailField(label=_("Work e-mail address"))
