"""Reading what an identity provider asserted, through a connection's attribute mapping."""

from typing import Any

from carementor.sso.models import SsoConnection
from carementor.sso.services import Asserted

# OIDC ``amr`` values (RFC 8176) that mean more than one factor was used.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "retina"})
# SAML authentication context classes of multi-factor sign-ins (SAML 2.0 authn context, and
# the REFEDS MFA profile most university and hospital federations use).
MFA_AUTHN_CONTEXTS = frozenset(
    {
        "https://refeds.org/profile/mfa",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:X509",
    }
)


def _first(value: Any) -> str:
    # SAML attributes are lists; OIDC claims are usually plain values.
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def oidc_claims(extra_data: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with the userinfo endpoint's answers on top."""
    claims = dict(extra_data.get("id_token") or {})
    claims.update(extra_data.get("userinfo") or {})
    return claims


def asserted_from(connection: SsoConnection, extra_data: dict[str, Any]) -> Asserted:
    if connection.protocol == SsoConnection.Protocol.OIDC:
        claims = oidc_claims(extra_data)
        amr = (extra_data.get("id_token") or {}).get("amr") or []
        mfa = bool(MFA_AMR_VALUES & {str(v).lower() for v in amr})
        subject = _first(claims.get("sub"))
    else:
        claims = dict(extra_data)
        contexts = claims.get("authn_context_class_refs") or []
        mfa = bool(MFA_AUTHN_CONTEXTS & set(contexts))
        subject = _first(claims.get("name_id") or claims.get("uid"))
    return Asserted(
        subject=subject,
        email=_first(claims.get(connection.attr_email)).lower(),
        name=_first(claims.get(connection.attr_name))[:150],
        employee_number=_first(claims.get(connection.attr_employee_number))[:100]
        if connection.attr_employee_number
        else "",
        department=_first(claims.get(connection.attr_department))[:200]
        if connection.attr_department
        else "",
        mfa=mfa,
    )
