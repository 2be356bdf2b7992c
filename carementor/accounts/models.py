import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from carementor.lib.codes import new_code
from carementor.lib.text import clean_name
from carementor.lib.timezones import validate_timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# Titles that open a name but are not what anyone is called by: "Dr Meera Pillai" is "Meera".
# Compared without dots and case, so "Prof.", "DR" and "Mrs." match too.
HONORIFICS = frozenset(
    [
        "dr",
        "doctor",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "sr",
        "sister",
        "sis",
        "br",
        "brother",
        "fr",
        "father",
        "rev",
        "shri",
        "sri",
        "shree",
        "smt",
        "shrimati",
        "srimati",
        "kumari",
        "km",
        "kum",
        "sushri",
        "capt",
        "captain",
        "col",
        "maj",
        "lt",
        "gen",
        "brig",
        "cdr",
        "sir",
        "dame",
        "lady",
        "lord",
        "hon",
        "er",
        "adv",
    ]
)


def given_name(full_name: str) -> str:
    """The first word of a full name that is not a title; "" when there is none."""
    for word in full_name.split():
        if word.rstrip(".").casefold() not in HONORIFICS:
            return word
    return ""


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[clean_name]
    )
    # What greetings and menus call the person ("Meera", "Dr Pillai"); empty: their given name.
    preferred_name = models.CharField(
        _("name to greet you by"),
        max_length=60,
        blank=True,
        default="",
        db_default="",
        validators=[clean_name],
    )
    timezone = models.CharField(
        _("timezone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_staff = models.BooleanField(_("platform staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)  # type: ignore[misc]
    date_joined = models.DateTimeField(_("date joined"), default=django_timezone.now)
    # Replaced whenever the person's memberships or authenticators change, so that facts cached
    # under it (carementor.accounts.facts) are never used after the change.
    access_stamp = models.CharField(
        max_length=16, blank=True, default="", db_default="", editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        """The name greetings and menus use: the one chosen, else the given name (never a
        title alone: "Dr Meera Pillai" is "Meera"), else what they typed, else the e-mail."""
        if self.preferred_name.strip():
            return self.preferred_name.strip()
        # A name made only of titles ("Dr") still greets the person by what they typed.
        return given_name(self.full_name) or self.full_name.strip() or self.email

    def has_mfa(self) -> bool:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(
            user=self, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists()


TOKEN_PREFIX = "cm_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PersonalAccessTokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    def active(self) -> "PersonalAccessTokenQuerySet":
        now = django_timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class PersonalAccessToken(models.Model):
    """An API token. Only its SHA-256 hash is stored; the raw value is shown once."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > django_timezone.now()
