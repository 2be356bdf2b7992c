"""How an organization's members sign in through its own identity provider (OIDC or SAML)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.organizations.models import Role

# allauth's provider id for a connection: the part of the sign-in URLs that names it.
PROVIDER_ID_PREFIX = "sso-"


class SsoConnectionQuerySet(models.QuerySet["SsoConnection"]):
    def enabled(self) -> "SsoConnectionQuerySet":
        return self.filter(is_enabled=True)


class SsoConnection(models.Model):
    """One organization's identity provider. allauth's app is built from this row on each
    request (``carementor.sso.adapter``), so the client secret is only ever stored encrypted."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="sso_connection"
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # OpenID Connect
    oidc_issuer = models.URLField(_("issuer URL"), blank=True)
    oidc_client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    oidc_client_secret_encrypted = models.TextField(blank=True, editable=False)
    # SAML 2.0
    saml_idp_entity_id = models.CharField(
        _("identity provider entity ID"), max_length=500, blank=True
    )
    saml_metadata_url = models.URLField(_("metadata URL"), blank=True)
    saml_metadata_xml = models.TextField(_("metadata XML"), blank=True)
    # Which claim (OIDC) or attribute (SAML) carries each of our fields.
    attr_name = models.CharField(_("name attribute"), max_length=200, default="name")
    attr_email = models.CharField(_("e-mail attribute"), max_length=200, default="email")
    attr_employee_number = models.CharField(
        _("employee number attribute"), max_length=200, blank=True, default="employee_number"
    )
    attr_department = models.CharField(
        _("department attribute"), max_length=200, blank=True, default="department"
    )
    default_role = models.CharField(
        _("default role"), max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    sso_required = models.BooleanField(_("single sign-on required"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SsoConnectionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.organization_id}"

    @property
    def provider_id(self) -> str:
        return PROVIDER_ID_PREFIX + self.code

    @property
    def has_client_secret(self) -> bool:
        return bool(self.oidc_client_secret_encrypted)


class SsoDomain(models.Model):
    """An e-mail domain whose people sign in through one connection ("routes by domain")."""

    connection = models.ForeignKey(SsoConnection, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class SsoIdentity(models.Model):
    """What an organization's identity provider last said about one of its people."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    connection = models.ForeignKey(
        SsoConnection, on_delete=models.CASCADE, related_name="identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    subject = models.CharField(max_length=255)
    employee_number = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200, blank=True)
    first_sign_in_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_sign_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "user"], name="sso_identity_unique"),
            models.UniqueConstraint(
                fields=["connection", "subject"], name="sso_identity_subject_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
