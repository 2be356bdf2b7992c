"""Setting up an organization's single sign-on, and what a sign-in through it changes here."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit import services as audit
from carementor.audit.models import AuditEvent
from carementor.integrations import secrets_box
from carementor.lib.errors import DomainError
from carementor.organizations.models import ROLE_FLAGS, Membership, Organization, Role
from carementor.sso.models import PROVIDER_ID_PREFIX, SsoConnection, SsoDomain, SsoIdentity


class SsoError(DomainError):
    """A refused single sign-on set-up or sign-in."""

    def __init__(self, message: str, *, status: int = 422, code: str = "sso_error") -> None:
        super().__init__(message, status=status, code=code)


@dataclass(frozen=True)
class ConnectionSettings:
    """Clean values for a connection, from the page's form or the API's schema."""

    protocol: str
    is_enabled: bool = True
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    # None keeps the stored secret; a value replaces it.
    oidc_client_secret: str | None = None
    saml_idp_entity_id: str = ""
    saml_metadata_url: str = ""
    saml_metadata_xml: str = ""
    attr_name: str = "name"
    attr_email: str = "email"
    attr_employee_number: str = ""
    attr_department: str = ""
    default_role: str = Role.MEMBER
    sso_required: bool = False
    domains: tuple[str, ...] = ()


SETTING_FIELDS = (
    "protocol",
    "is_enabled",
    "oidc_issuer",
    "oidc_client_id",
    "saml_idp_entity_id",
    "saml_metadata_url",
    "saml_metadata_xml",
    "attr_name",
    "attr_email",
    "attr_employee_number",
    "attr_department",
    "default_role",
    "sso_required",
)


def normalize_domain(value: str) -> str:
    return value.strip().lower().lstrip("@").rstrip(".")


def _validate(values: ConnectionSettings, has_secret: bool) -> None:
    if values.protocol == SsoConnection.Protocol.OIDC:
        if not values.oidc_issuer or not values.oidc_client_id:
            raise SsoError(_("OpenID Connect needs the issuer URL and the client ID."))
        if not (values.oidc_client_secret or has_secret):
            raise SsoError(_("OpenID Connect needs the client secret."))
    elif values.protocol == SsoConnection.Protocol.SAML:
        if not values.saml_idp_entity_id:
            raise SsoError(_("SAML needs the identity provider's entity ID."))
        if not (values.saml_metadata_url or values.saml_metadata_xml):
            raise SsoError(_("SAML needs the metadata URL or the metadata XML file."))
    else:
        raise SsoError(_("Choose OpenID Connect or SAML 2.0."))
    if not values.attr_email.strip():
        raise SsoError(_("Name the attribute that carries the e-mail address."))
    if values.sso_required and not (values.is_enabled and values.domains):
        raise SsoError(
            _("Single sign-on can only be required once it is enabled and has a domain.")
        )


@transaction.atomic
def connection_save(
    organization: Organization,
    values: ConnectionSettings,
    actor: Any,
    *,
    request: HttpRequest | None = None,
) -> SsoConnection:
    """Create or change an organization's identity provider connection (its admins only)."""
    domains = sorted({normalize_domain(d) for d in values.domains if normalize_domain(d)})
    values = ConnectionSettings(**{**values.__dict__, "domains": tuple(domains)})
    connection = SsoConnection.objects.select_for_update().filter(organization=organization).first()
    _validate(values, has_secret=bool(connection and connection.has_client_secret))
    taken = (
        SsoDomain.objects.filter(domain__in=domains)
        .exclude(connection__organization=organization)
        .values_list("domain", flat=True)
    )
    if taken:
        raise SsoError(
            _("These domains already sign in through another organization: %(domains)s")
            % {"domains": ", ".join(sorted(taken))},
            status=409,
            code="conflict",
        )
    created = connection is None
    if connection is None:
        connection = SsoConnection(organization=organization)
    changed = [f for f in SETTING_FIELDS if getattr(connection, f) != getattr(values, f)]
    for field in SETTING_FIELDS:
        setattr(connection, field, getattr(values, field))
    if values.oidc_client_secret:
        connection.oidc_client_secret_encrypted = secrets_box.encrypt(values.oidc_client_secret)
        changed.append("oidc_client_secret")
    before = sorted(connection.domains.values_list("domain", flat=True)) if not created else []
    if before != domains:
        changed.append("domains")
    connection.updated_at = timezone.now()
    connection.full_clean(exclude=["organization"])
    connection.save()
    if before != domains:
        connection.domains.exclude(domain__in=domains).delete()
        SsoDomain.objects.bulk_create(
            [SsoDomain(connection=connection, domain=d) for d in domains if d not in before]
        )
    audit.record(
        actor,
        "sso.connection_created" if created else "sso.connection_updated",
        connection,
        organization=organization,
        request=request,
        detail={"changed": sorted(changed), "domains": domains},
    )
    return connection


@transaction.atomic
def connection_delete(
    connection: SsoConnection, actor: Any, *, request: HttpRequest | None = None
) -> None:
    organization = connection.organization
    audit.record(
        actor, "sso.connection_deleted", connection, organization=organization, request=request
    )
    connection.delete()


def client_secret(connection: SsoConnection) -> str:
    return secrets_box.decrypt(connection.oidc_client_secret_encrypted)


# --- Routing -----------------------------------------------------------------------------


def connection_for_email(email: str) -> SsoConnection | None:
    """The enabled connection the e-mail address's domain signs in through, if any."""
    domain = normalize_domain(email.rpartition("@")[2])
    if not domain:
        return None
    return (
        SsoConnection.objects.enabled()
        .select_related("organization")
        .filter(domains__domain=domain)
        .first()
    )


def connection_for_provider_id(provider_id: str) -> SsoConnection | None:
    if not provider_id.startswith(PROVIDER_ID_PREFIX):
        return None
    return (
        SsoConnection.objects.select_related("organization")
        .filter(code=provider_id.removeprefix(PROVIDER_ID_PREFIX))
        .first()
    )


def required_connection_for(user: Any = None, email: str = "") -> SsoConnection | None:
    """The connection that forbids ``user`` (or whoever owns ``email``) to use a password:
    one of their organizations requires single sign-on, or their address's domain does."""
    required = (
        SsoConnection.objects.enabled().filter(sso_required=True).select_related("organization")
    )
    if user is not None and user.pk:
        by_membership = required.filter(organization__memberships__user=user).first()
        if by_membership is not None:
            return by_membership
        email = email or user.email
    if email:
        domain = normalize_domain(email.rpartition("@")[2])
        return required.filter(domains__domain=domain).first() if domain else None
    return None


# --- Sign-in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Asserted:
    """What the identity provider asserted about the person, through the attribute mapping."""

    subject: str
    email: str
    name: str
    employee_number: str
    department: str
    mfa: bool


@transaction.atomic
def sign_in_record(
    connection: SsoConnection,
    user: Any,
    asserted: Asserted,
    *,
    request: HttpRequest | None = None,
) -> SsoIdentity:
    """After a successful sign-in: remember the identity, and make the person a member with
    the organization's default role on their first sign-in."""
    organization = connection.organization
    now = timezone.now()
    identity, created = SsoIdentity.objects.select_for_update().get_or_create(
        connection=connection,
        user=user,
        defaults={
            "subject": asserted.subject,
            "employee_number": asserted.employee_number,
            "department": asserted.department,
            "first_sign_in_at": now,
            "last_sign_in_at": now,
        },
    )
    if not created:
        identity.subject = asserted.subject
        identity.employee_number = asserted.employee_number
        identity.department = asserted.department
        identity.last_sign_in_at = now
        identity.save(update_fields=["subject", "employee_number", "department", "last_sign_in_at"])
    role = Role(connection.default_role)
    flags = {ROLE_FLAGS[role]: True} if role in ROLE_FLAGS else {}
    _membership, joined = Membership.objects.get_or_create(
        user=user, organization=organization, defaults=flags
    )
    if joined:
        audit.record(
            user,
            "sso.member_joined",
            user,
            organization=organization,
            request=request,
            detail={"role": role.value, "connection": connection.code},
        )
    audit.record(
        user,
        "sso.signed_in",
        connection,
        organization=organization,
        request=request,
        detail={"first": created, "mfa_asserted": asserted.mfa},
        subject=user,
    )
    return identity


def sign_in_refused(
    connection: SsoConnection | None,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> None:
    """Audit a refused sign-in (bad token, bad signature, replay…); nobody is signed in."""
    audit.record(
        None,
        "sso.sign_in_refused",
        connection,
        organization=connection.organization if connection else None,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"reason": reason[:300]},
        actor_label="single sign-on",
    )


def password_refused(
    connection: SsoConnection, user: Any, *, request: HttpRequest | None = None
) -> None:
    """Audit a correct password refused because the organization requires single sign-on."""
    audit.record(
        None,
        "sso.password_refused",
        connection,
        organization=connection.organization,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        actor_label="single sign-on",
        subject=user,
    )
