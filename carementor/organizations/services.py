"""Every change to organizations, memberships and invitations: atomic, audited, mailed after
commit. Views, API operations and the admin call these; nothing else writes those rows."""

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from carementor.audit import services as audit
from carementor.audit.models import AuditEvent
from carementor.organizations.models import (
    ROLE_FLAGS,
    Invitation,
    Membership,
    Organization,
    Role,
)
from carementor.organizations.permissions import is_invitee

if TYPE_CHECKING:
    from carementor.accounts.models import User


class Conflict(ValidationError):
    """The change clashes with the current state: already a member, already invited, the last
    admin, an invitation no longer open. Pages answer 409; the API answers 409."""


ROLE_FIELDS = list(ROLE_FLAGS.values())


def validate_country(value: str) -> str:
    """A two-letter ISO 3166 code, and one of the shipped countries once they are loaded."""
    from carementor.profiles.models import Country

    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValidationError(
            {"country": _("Enter a two-letter ISO 3166 country code, such as IN.")}
        )
    vocabulary = Country.objects.all()
    if vocabulary.exists() and not vocabulary.filter(code=code).exists():
        raise ValidationError({"country": _("“%(code)s” is not a known country.") % {"code": code}})
    return code


def normalize_email(email: str) -> str:
    return email.strip().lower()


def clean_roles(roles: Iterable[str]) -> list[str]:
    """Validate role names; return the granted roles in canonical order, without "member"
    (everyone is a member)."""
    wanted = set()
    for role in roles:
        if role not in Role.values:
            raise ValidationError(
                _("“%(role)s” is not a role."), code="invalid_role", params={"role": role}
            )
        wanted.add(role)
    return [role.value for role in ROLE_FLAGS if role.value in wanted]


def _is_admin(user: "User", organization: Organization) -> bool:
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, organization=organization, is_admin=True).exists()


def _require_admin(user: "User", organization: Organization) -> None:
    if not _is_admin(user, organization):
        raise PermissionDenied(_("Only an organization admin may do this."))


def _lock_organization(organization: Organization) -> Organization:
    # One row lock per organization serialises every membership change in it, so two admins
    # demoting each other at once cannot leave the organization without an admin.
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _would_lose_last_admin(membership: Membership) -> bool:
    others = (
        Membership.objects.filter(organization_id=membership.organization_id, is_admin=True)
        .exclude(pk=membership.pk)
        .exists()
    )
    return not others


def _last_admin_error() -> Conflict:
    return Conflict(
        _("An organization needs at least one admin. Make someone else an admin first."),
        code="last_admin",
    )


# --- Organizations ------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(
    name: str,
    kind: str,
    country: str,
    timezone: str,
    actor: "User",
    request: HttpRequest | None = None,
) -> Organization:
    """Platform staff create organizations; they then invite its first admin."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only platform staff may create organizations."))
    organization = Organization(
        name=name.strip(),
        kind=kind,
        country=validate_country(country),
        timezone=timezone,
        slug=_unique_slug(name),
    )
    organization.full_clean()
    organization.save()
    audit.record(
        actor,
        "organization.created",
        organization,
        organization=organization,
        request=request,
        detail={"name": organization.name, "kind": kind, "country": organization.country},
    )
    return organization


UPDATABLE_FIELDS = ("name", "kind", "country", "timezone")


@transaction.atomic
def organization_update(
    organization: Organization,
    actor: "User",
    *,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Organization:
    """Change an organization's settings (name, kind, country, timezone). Admins only."""
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not updatable: {sorted(unknown)}")
    organization = _lock_organization(organization)
    _require_admin(actor, organization)
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
    if "country" in changes:
        changes["country"] = validate_country(str(changes["country"]))
    diff = {
        field: {"before": getattr(organization, field), "after": value}
        for field, value in changes.items()
        if getattr(organization, field) != value
    }
    if not diff:
        return organization
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.full_clean()
    organization.save(update_fields=list(diff))
    audit.record(
        actor,
        "organization.updated",
        organization,
        organization=organization,
        request=request,
        detail=diff,
    )
    return organization


# --- Invitations --------------------------------------------------------------------------


def _is_member_email(organization: Organization, email: str) -> bool:
    from allauth.account.models import EmailAddress

    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        return True
    owners = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    return Membership.objects.filter(organization=organization, user_id__in=owners).exists()


def _open_invitations(organization: Organization, email: str) -> Any:
    return Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )


def _already_invited_error(email: str) -> Conflict:
    return Conflict(
        _("%(email)s already has an open invitation. Resend or revoke it instead."),
        code="already_invited",
        params={"email": email},
    )


def _send_on_commit(invitation: Invitation) -> None:
    from carementor.organizations.tasks import send_invitation_email

    pk = invitation.pk
    transaction.on_commit(lambda: send_invitation_email.enqueue(pk))


def _new_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.CAREMENTOR_INVITATION_DAYS)


@transaction.atomic
def invitation_create(
    organization: Organization,
    email: str,
    roles: Iterable[str],
    invited_by: "User",
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite ``email`` to ``organization`` with ``roles`` and e-mail the signed link.

    An address that already has an open invitation (pending or expired, neither accepted nor
    revoked) is refused with a Conflict: the admin resends or revokes that one instead, so an
    address never holds two live links with different roles.
    """
    _require_admin(invited_by, organization)
    return invitation_issue(organization, email, roles, invited_by, request=request)


@transaction.atomic
def invitation_issue(
    organization: Organization,
    email: str,
    roles: Iterable[str],
    invited_by: Any,
    request: HttpRequest | None = None,
) -> Invitation:
    """``invitation_create`` for a caller whose own gate already authorized inviting (an HR
    feed confirmed by a coordinator): the same checks, audit and e-mail, no admin check."""
    email = normalize_email(email)
    validate_email(email)
    granted = clean_roles(roles)
    if _is_member_email(organization, email):
        raise Conflict(
            _("%(email)s is already a member of this organization."),
            code="already_member",
            params={"email": email},
        )
    if _open_invitations(organization, email).exists():
        raise _already_invited_error(email)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                email=email,
                roles=granted,
                invited_by=invited_by,
                expires_at=_new_expiry(),
            )
    except IntegrityError as exc:
        # Another admin invited the same address a moment ago (invitation_one_open_per_email).
        raise _already_invited_error(email) from exc
    audit.record(
        invited_by,
        "invitation.created",
        invitation,
        organization=organization,
        request=request,
        detail={"roles": granted},
    )
    _send_on_commit(invitation)
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )


def _closed_error(invitation: Invitation) -> Conflict:
    if invitation.accepted_at is not None:
        return Conflict(_("This invitation has already been accepted."), code="accepted")
    if invitation.revoked_at is not None:
        return Conflict(_("This invitation has been withdrawn."), code="revoked")
    return Conflict(_("This invitation has expired."), code="expired")


@transaction.atomic
def invitation_resend(
    invitation: Invitation, actor: "User", request: HttpRequest | None = None
) -> Invitation:
    """Send the link again with a fresh lifetime; works for expired invitations too."""
    _require_admin(actor, invitation.organization)
    invitation = _lock_invitation(invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise _closed_error(invitation)
    invitation.expires_at = _new_expiry()
    invitation.save(update_fields=["expires_at"])
    audit.record(
        actor,
        "invitation.resent",
        invitation,
        organization=invitation.organization,
        request=request,
    )
    _send_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(
    invitation: Invitation, actor: "User", request: HttpRequest | None = None
) -> Invitation:
    _require_admin(actor, invitation.organization)
    return invitation_withdraw(invitation, actor, request)


@transaction.atomic
def invitation_withdraw(
    invitation: Invitation, actor: Any, request: HttpRequest | None = None
) -> Invitation:
    """``invitation_revoke`` for a caller whose own gate authorized it (an HR feed's leaver)."""
    invitation = _lock_invitation(invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise _closed_error(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor,
        "invitation.revoked",
        invitation,
        organization=invitation.organization,
        request=request,
    )
    return invitation


def _require_invitee(invitation: Invitation, user: "User", request: HttpRequest | None) -> None:
    if is_invitee(user, invitation):
        return
    # Recorded outside any transaction that the refusal would roll back.
    audit.record(
        user,
        "invitation.accepted",
        invitation,
        organization=invitation.organization,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        detail={"reason": "email_mismatch"},
    )
    raise PermissionDenied(
        _("This invitation was sent to another e-mail address. Sign in with that address.")
    )


def invitation_accept(
    invitation: Invitation, user: "User", request: HttpRequest | None = None
) -> Membership:
    """Join the organization with the invited roles (added to any the person already holds).

    Only the person whose verified e-mail is the invited one may accept; the invitation row is
    locked, so a double submit cannot create two memberships.
    """
    _require_invitee(invitation, user, request)
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        if not invitation.is_open():
            raise _closed_error(invitation)
        organization = invitation.organization
        granted = clean_roles(invitation.roles)
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organization=organization)
            .first()
        )
        before: list[str] = []
        created = False
        if membership is None:
            membership = Membership(user=user, organization=organization)
            membership.set_roles(granted)
            try:
                with transaction.atomic():
                    membership.save()
                created = True
            except IntegrityError:
                # Joined a moment ago through another invitation; merge into that membership.
                membership = Membership.objects.select_for_update().get(
                    user=user, organization=organization
                )
        if not created:
            before = membership.roles
            membership.set_roles(set(before) | set(granted))
            if membership.roles != before:
                membership.save(update_fields=ROLE_FIELDS)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            user,
            "invitation.accepted",
            invitation,
            organization=organization,
            request=request,
            detail={"roles": granted, "membership": membership.code, "before": before},
        )
    return membership


def invitation_decline(
    invitation: Invitation, user: "User", request: HttpRequest | None = None
) -> Invitation:
    """The invitee says no: the invitation closes like a revoked one."""
    _require_invitee(invitation, user, request)
    with transaction.atomic():
        invitation = _lock_invitation(invitation)
        if not invitation.is_open():
            raise _closed_error(invitation)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            user,
            "invitation.declined",
            invitation,
            organization=invitation.organization,
            request=request,
        )
    return invitation


# --- Memberships --------------------------------------------------------------------------


@transaction.atomic
def membership_set_roles(
    membership: Membership,
    roles: Iterable[str],
    actor: "User",
    request: HttpRequest | None = None,
) -> Membership:
    """Replace a member's roles. The organization's last admin cannot lose the admin role."""
    granted = clean_roles(roles)
    # Lock first, then check: an admin demoted a moment ago must not act on stale rights.
    _lock_organization(membership.organization)
    _require_admin(actor, membership.organization)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    before = membership.roles
    membership.set_roles(granted)
    after = membership.roles
    if before == after:
        return membership
    if Role.ADMIN in before and Role.ADMIN not in after and _would_lose_last_admin(membership):
        raise _last_admin_error()
    membership.save(update_fields=ROLE_FIELDS)
    audit.record(
        actor,
        "membership.roles_changed",
        membership,
        organization=membership.organization,
        request=request,
        subject=membership.user,
        detail={"before": before, "after": after},
    )
    return membership


@transaction.atomic
def membership_remove(
    membership: Membership, actor: "User", request: HttpRequest | None = None
) -> None:
    """Remove a member (admins) or leave (the member). The last admin cannot go."""
    leaving = membership.user_id == actor.pk
    _lock_organization(membership.organization)
    if not leaving:
        _require_admin(actor, membership.organization)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    if membership.is_admin and _would_lose_last_admin(membership):
        raise _last_admin_error()
    audit.record(
        actor,
        "membership.removed",
        membership,
        organization=membership.organization,
        request=request,
        subject=membership.user,
        detail={"roles": membership.roles, "left": leaving},
    )
    membership.delete()
