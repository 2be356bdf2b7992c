"""SAML 2.0 through allauth: settings for a connection, and what we keep of a response."""

from typing import Any

from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings

from carementor.sso.models import SsoConnection


class OrganizationSAMLProvider(SAMLProvider):
    """allauth's SAML provider, also keeping the NameID and the authentication context
    (``AuthnContextClassRef``) so that a multi-factor sign-in at the IdP is recognised.
    Installed with ``SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]``."""

    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data: Any) -> dict[str, Any]:
        extra = dict(data.get_attributes())
        extra["name_id"] = [data.get_nameid() or ""]
        extra["authn_context_class_refs"] = list(data.get_last_authn_contexts() or [])
        return extra


def idp_from_metadata_xml(xml: str, entity_id: str) -> dict[str, str]:
    """The identity provider's sign-in URL and certificate from an uploaded metadata file."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    idp = parsed.get("idp") or {}
    return {
        "entity_id": idp.get("entityId", entity_id),
        "sso_url": (idp.get("singleSignOnService") or {}).get("url", ""),
        "x509cert": idp.get("x509cert", ""),
    }


def saml_app_settings(connection: SsoConnection) -> dict[str, Any]:
    if connection.saml_metadata_xml:
        idp: dict[str, Any] = idp_from_metadata_xml(
            connection.saml_metadata_xml, connection.saml_idp_entity_id
        )
    else:
        idp = {
            "entity_id": connection.saml_idp_entity_id,
            "metadata_url": connection.saml_metadata_url,
        }
    return {
        "idp": idp,
        "attribute_mapping": {"email": connection.attr_email},
        "advanced": {
            "strict": True,
            # Unsigned or altered assertions are refused (python3-saml checks the signature).
            "want_assertion_signed": True,
            "reject_deprecated_algorithm": True,
            "reject_idp_initiated_sso": True,
            # "localhost" and "testserver" are single-label hosts; production names are not.
            "allow_single_label_domains": settings.DEBUG or settings.TESTING,
        },
    }
