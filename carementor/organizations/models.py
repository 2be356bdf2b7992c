from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.timezones import validate_timezone


class Role(models.TextChoices):
    """Roles a member can hold in one organization. Everyone is at least a member."""

    MEMBER = "member", _("Member")
    MENTOR = "mentor", _("Mentor")
    COORDINATOR = "coordinator", _("Coordinator")
    REVIEWER = "reviewer", _("Credential reviewer")
    ADMIN = "admin", _("Organization admin")


# Roles whose holders must use two-factor authentication.
PRIVILEGED_ROLES = frozenset({Role.COORDINATOR, Role.REVIEWER, Role.ADMIN})

ROLE_FLAGS = {
    Role.MENTOR: "is_mentor",
    Role.COORDINATOR: "is_coordinator",
    Role.REVIEWER: "is_reviewer",
    Role.ADMIN: "is_admin",
}


class Organization(models.Model):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital or health system")
        MEDICAL_COLLEGE = "medical_college", _("Medical college")
        NURSING_COLLEGE = "nursing_college", _("Nursing college")
        SOCIETY = "society", _("Professional society")
        NATIONAL_PROGRAM = "national_program", _("National programme")
        OTHER = "other", _("Other")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    timezone = models.CharField(
        _("timezone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def privileged(self) -> "MembershipQuerySet":
        return self.filter(
            models.Q(is_coordinator=True) | models.Q(is_reviewer=True) | models.Q(is_admin=True)
        )

    def with_role(self, role: str) -> "MembershipQuerySet":
        if role == Role.MEMBER:
            return self
        return self.filter(**{ROLE_FLAGS[Role(role)]: True})


class Membership(models.Model):
    """A person's place in one organization, with the roles they hold there."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_mentor = models.BooleanField(_("mentor"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    is_reviewer = models.BooleanField(_("credential reviewer"), default=False)
    is_admin = models.BooleanField(_("organization admin"), default=False)
    joined_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def roles(self) -> list[str]:
        return [Role.MEMBER.value] + [
            role.value for role, flag in ROLE_FLAGS.items() if getattr(self, flag)
        ]

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]

    def has_role(self, role: str) -> bool:
        return role == Role.MEMBER or bool(getattr(self, ROLE_FLAGS[Role(role)]))

    def is_privileged(self) -> bool:
        return self.is_coordinator or self.is_reviewer or self.is_admin

    def set_roles(self, roles: Any) -> None:
        wanted = {Role(role) for role in roles}
        for role, flag in ROLE_FLAGS.items():
            setattr(self, flag, role in wanted)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An e-mailed invitation to join an organization with given roles.

    The link carries a signed, expiring token; it works for new and existing accounts, but
    only for the person who signs in with the invited e-mail address.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(default=list)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one open invitation per address and organization.
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def is_open(self) -> bool:
        return self.status == "pending"
