"""State changes made by provisioning: SCIM tokens, provisioned people and their groups.

Every change is atomic and audited. Provisioning acts for an organization, never a person, so
its audit events name the token (``actor_label``) rather than an account.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import PersonalAccessToken, User
from carementor.accounts.services import sessions_end
from carementor.audit.services import record
from carementor.integrations.models import ScimGroup, ScimToken, ScimUser, hash_scim_token
from carementor.lib.errors import DomainError
from carementor.mentorships.models import HelpRequest, Mentorship
from carementor.notifications.services import notify
from carementor.organizations.models import (
    ROLE_FLAGS,
    Membership,
    Organization,
    Role,
)

# A leaked admin session should not mint tokens without bound; identity providers need one
# or two (a live one and the one being rotated in).
MAX_ACTIVE_TOKENS = 5


class ScimError(DomainError):
    """A refused provisioning request, with the SCIM ``scimType`` keyword when RFC 7644 has one."""

    def __init__(self, message: str, *, status: int = 400, scim_type: str = "") -> None:
        super().__init__(message, status=status, code=scim_type or "scim_error")
        self.scim_type = scim_type


def _token_label(token: ScimToken | None) -> str:
    return f"SCIM token {token.code}" if token is not None else "SCIM"


def _require_admin(user: "User", organization: Organization) -> None:
    if user.is_staff:
        return
    if not Membership.objects.filter(user=user, organization=organization, is_admin=True).exists():
        raise PermissionDenied(_("Only an organization admin may do this."))


# --- Tokens -------------------------------------------------------------------------------


@transaction.atomic
def scim_token_create(
    organization: Organization,
    name: str,
    actor: "User | None" = None,
    *,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> tuple[ScimToken, str]:
    """Make a token and return it with its raw value, which is shown once and never stored."""
    if actor is not None:
        _require_admin(actor, organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if ScimToken.objects.active().filter(organization=organization).count() >= MAX_ACTIVE_TOKENS:
        raise ScimError(
            _("This organization already has %(count)d active SCIM tokens. Revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS},
            status=409,
            scim_type="too_many_tokens",
        )
    raw = ScimToken.generate()
    token = ScimToken.objects.create(
        organization=organization,
        name=name,
        token_hash=hash_scim_token(raw),
        prefix=raw[:10],
        created_by=actor,
    )
    record(
        actor,
        "scim.token_created",
        token,
        organization=organization,
        request=request,
        actor_label=actor_label,
    )
    return token, raw


@transaction.atomic
def scim_token_revoke(
    token: ScimToken, actor: "User", *, request: HttpRequest | None = None
) -> ScimToken:
    """Stop a token at once; revoking twice changes nothing and records nothing."""
    _require_admin(actor, token.organization)
    token = ScimToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, "scim.token_revoked", token, organization=token.organization, request=request)
    return token


def scim_token_authenticate(raw: str) -> ScimToken | None:
    """The live token with this raw value, or None. Marks when it was last used."""
    if not raw.startswith("scim_"):
        return None
    token = (
        ScimToken.objects.active()
        .select_related("organization")
        .filter(token_hash=hash_scim_token(raw))
        .first()
    )
    if token is not None:
        now = timezone.now()
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Users --------------------------------------------------------------------------------


@dataclass
class UserData:
    """A SCIM User as validated at the edge, reduced to what CareMentor keeps."""

    user_name: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    formatted_name: str = ""
    display_name: str = ""
    emails: list[dict[str, Any]] = field(default_factory=list)
    employee_number: str = ""
    department: str = ""
    active: bool = True

    FIELDS = (
        "user_name",
        "external_id",
        "given_name",
        "family_name",
        "formatted_name",
        "display_name",
        "emails",
        "employee_number",
        "department",
        "active",
    )

    def account_email(self) -> str:
        chosen = [e for e in self.emails if e.get("primary")] or self.emails
        email = str(chosen[0]["value"]) if chosen else self.user_name
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ScimError(
                _(
                    "A person needs an e-mail address: send one in “emails” or make "
                    "“userName” an e-mail address."
                ),
                scim_type="invalidValue",
            ) from exc
        return email

    def full_name(self) -> str:
        joined = " ".join(part for part in (self.given_name, self.family_name) if part)
        return (self.formatted_name or self.display_name or joined)[:150]


def _check_unique_user(
    organization: Organization, data: UserData, exclude: ScimUser | None = None
) -> None:
    others = ScimUser.objects.filter(organization=organization)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.filter(user_name__iexact=data.user_name).exists():
        raise ScimError(
            _("Another person here already has the userName “%(name)s”.")
            % {"name": data.user_name},
            status=409,
            scim_type="uniqueness",
        )
    if data.external_id and others.filter(external_id=data.external_id).exists():
        raise ScimError(
            _("Another person here already has the externalId “%(id)s”.")
            % {"id": data.external_id},
            status=409,
            scim_type="uniqueness",
        )


def _lock(organization: Organization) -> None:
    # One row lock per organization serialises provisioning, so two requests for the same
    # person cannot both create an account.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _find_or_create_account(
    organization: Organization, email: str, data: UserData
) -> tuple[Any, bool]:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, full_name=data.full_name())
        # The identity provider vouches for the address, as it does for every other login.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user, True
    if not Membership.objects.filter(user=user, organization=organization).exists():
        # Adopting an account that is not ours would let any organization pull in anyone by
        # e-mail address; the person must accept an invitation instead.
        raise ScimError(
            _(
                "An account with the e-mail address %(email)s exists and is not a member of "
                "this organization. Invite the person from the members page; once they "
                "accept, provisioning can manage them."
            )
            % {"email": email},
            status=409,
            scim_type="uniqueness",
        )
    return user, False


@transaction.atomic
def scim_user_create(
    organization: Organization,
    data: UserData,
    *,
    token: ScimToken | None = None,
    request: HttpRequest | None = None,
) -> ScimUser:
    """Provision a person: a new account (or an existing member) and a membership."""
    _lock(organization)
    _check_unique_user(organization, data)
    email = data.account_email()
    user, created = _find_or_create_account(organization, email, data)
    if ScimUser.objects.filter(organization=organization, user=user).exists():
        raise ScimError(
            _("This person is already provisioned here under another userName."),
            status=409,
            scim_type="uniqueness",
        )
    scim_user = ScimUser(organization=organization, user=user, created_account=created)
    _apply(scim_user, data)
    scim_user.save()
    if data.active:
        Membership.objects.get_or_create(user=user, organization=organization)
    record(
        None,
        "scim.user_created",
        scim_user,
        organization=organization,
        request=request,
        actor_label=_token_label(token),
        subject=user,
        detail={"account_created": created, "active": data.active},
    )
    return scim_user


def _apply(scim_user: ScimUser, data: UserData) -> list[str]:
    changed = []
    for name in UserData.FIELDS:
        value = getattr(data, name)
        if getattr(scim_user, name) != value:
            setattr(scim_user, name, value)
            changed.append(name)
    scim_user.index_emails()
    return changed


def _locked_user(scim_user: ScimUser) -> ScimUser:
    return (
        ScimUser.objects.select_for_update()
        .select_related("user", "organization")
        .get(pk=scim_user.pk)
    )


def check_version(current: str, if_match: str | None) -> None:
    """Refuse a write whose If-Match names another version (RFC 7644 §3.14)."""
    if not if_match or if_match.strip() == "*":
        return
    wanted = {tag.strip() for tag in if_match.split(",")}
    if current not in wanted:
        raise ScimError(
            _("The resource changed since you read it: read it again, then retry."),
            status=412,
        )


@transaction.atomic
def scim_user_update(
    scim_user: ScimUser,
    data: UserData,
    *,
    token: ScimToken | None = None,
    if_match: str | None = None,
    request: HttpRequest | None = None,
) -> ScimUser:
    """Replace what the provider says about a person; ``active`` false deprovisions them."""
    organization = scim_user.organization
    _lock(organization)
    scim_user = _locked_user(scim_user)
    check_version(scim_user.etag, if_match)
    _check_unique_user(organization, data, exclude=scim_user)
    was_active = scim_user.active
    changed = _apply(scim_user, data)
    if not changed:
        return scim_user
    label = _token_label(token)
    if was_active and not data.active:
        _deprovision(scim_user, label, request)
    elif data.active and not was_active:
        _reprovision(scim_user, label, request)
    if scim_user.created_account and scim_user.user.full_name != data.full_name():
        # Only an account provisioning made is renamed: a person who also belongs elsewhere
        # keeps the name they chose.
        scim_user.user.full_name = data.full_name()
        scim_user.user.save(update_fields=["full_name"])
    scim_user.version += 1
    scim_user.updated_at = timezone.now()
    scim_user.save()
    record(
        None,
        "scim.user_updated",
        scim_user,
        organization=organization,
        request=request,
        actor_label=label,
        subject=scim_user.user,
        detail={"fields": sorted(changed)},
    )
    return scim_user


@transaction.atomic
def scim_user_delete(
    scim_user: ScimUser,
    *,
    token: ScimToken | None = None,
    if_match: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Deprovision a person and forget the provider's record of them (the account stays)."""
    organization = scim_user.organization
    _lock(organization)
    scim_user = _locked_user(scim_user)
    check_version(scim_user.etag, if_match)
    label = _token_label(token)
    if scim_user.active:
        _deprovision(scim_user, label, request)
    record(
        None,
        "scim.user_deleted",
        scim_user,
        organization=organization,
        request=request,
        actor_label=label,
        subject=scim_user.user,
    )
    scim_user.delete()


def _deprovision(scim_user: ScimUser, label: str, request: HttpRequest | None) -> None:
    """End the membership, sign the person out, revoke their tokens, flag their mentorships."""
    outcome = member_end(
        scim_user.organization,
        scim_user.user_id,
        stop_account_if_unused=scim_user.created_account,
        label=label,
        reason=_("%(name)s left the organization (deprovisioned by its identity provider)."),
        request=request,
    )
    record(
        None,
        "scim.user_deprovisioned",
        scim_user,
        organization=scim_user.organization,
        request=request,
        actor_label=label,
        subject=scim_user.user,
        detail=outcome,
    )


def last_admin_error() -> ScimError:
    return ScimError(
        _(
            "This person is the organization's last admin. Make someone else an admin "
            "in CareMentor first, then deprovision them."
        ),
        status=409,
        scim_type="mutability",
    )


def member_end(
    organization: Organization,
    user_id: int,
    *,
    stop_account_if_unused: bool,
    label: str,
    reason: str,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """A person leaves: end the membership, sign them out, revoke their tokens, flag their
    mentorships. Shared by SCIM deprovisioning and HR feeds' leavers; the caller holds the
    organization's lock and records its own event with the returned figures.

    The account itself stops only when ``stop_account_if_unused`` (provisioning or a feed
    created it) and no other organization still counts the person as a member. ``reason``
    has a ``%(name)s`` placeholder for the person's name.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is not None:
        others = Membership.objects.filter(organization=organization, is_admin=True).exclude(
            pk=membership.pk
        )
        if membership.is_admin and not others.exists():
            raise last_admin_error()
        record(
            actor,
            "membership.removed",
            membership,
            organization=organization,
            request=request,
            actor_label=label,
            subject=user,
            detail={"roles": membership.roles, "deprovisioned": True},
        )
        membership.delete()
    flagged = _flag_mentorships(organization, user, reason % {"name": user.get_full_name()})
    revoked = (
        PersonalAccessToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    )
    sessions = sessions_end(user)
    stop_account = (
        stop_account_if_unused
        and user.is_active
        and not Membership.objects.filter(user=user).exists()
    )
    if stop_account:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return {
        "sessions_ended": sessions,
        "tokens_revoked": revoked,
        "mentorships_flagged": flagged,
        "account_deactivated": stop_account,
    }


def _flag_mentorships(organization: Organization, user: "User", reason: str) -> int:
    """Ask the coordinators to step in on every open mentorship the person was part of."""
    mentorships = (
        Mentorship.objects.open()
        .filter(organization=organization, parties__user=user)
        .select_related("program")
        .distinct()
    )
    coordinators = [
        m.user
        for m in Membership.objects.filter(organization=organization, is_coordinator=True)
        .exclude(user=user)
        .select_related("user")
    ]
    flagged = 0
    for mentorship in mentorships:
        if HelpRequest.objects.filter(mentorship=mentorship, resolved_at__isnull=True).exists():
            continue
        HelpRequest.objects.create(mentorship=mentorship, requested_by=user, reason=reason)
        flagged += 1
        notify(
            coordinators,
            "mentorship_party_deprovisioned",
            target=mentorship,
            context={"person": user.get_full_name(), "program": mentorship.program.name},
            organization=organization,
        )
    return flagged


def _reprovision(scim_user: ScimUser, label: str, request: HttpRequest | None) -> None:
    user = User.objects.select_for_update().get(pk=scim_user.user_id)
    if scim_user.created_account and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    Membership.objects.get_or_create(user=user, organization=scim_user.organization)
    record(
        None,
        "scim.user_reprovisioned",
        scim_user,
        organization=scim_user.organization,
        request=request,
        actor_label=label,
        subject=user,
    )
    _sync_roles(scim_user.organization, [scim_user], label, request)


# --- Groups -------------------------------------------------------------------------------


@dataclass
class GroupData:
    display_name: str
    external_id: str = ""
    member_codes: list[str] = field(default_factory=list)


def _members(organization: Organization, codes: Iterable[str]) -> list[ScimUser]:
    wanted = set(codes)
    found = list(ScimUser.objects.filter(organization=organization, code__in=wanted))
    missing = wanted - {u.code for u in found}
    if missing:
        # Another organization's people are as unknown here as people who never existed.
        raise ScimError(
            _("No person with the id “%(id)s” is provisioned here.") % {"id": sorted(missing)[0]},
            scim_type="invalidValue",
        )
    return found


def _check_unique_group(
    organization: Organization, data: GroupData, exclude: ScimGroup | None = None
) -> None:
    others = ScimGroup.objects.filter(organization=organization)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.filter(display_name__iexact=data.display_name).exists():
        raise ScimError(
            _("Another group here is already called “%(name)s”.") % {"name": data.display_name},
            status=409,
            scim_type="uniqueness",
        )


@transaction.atomic
def scim_group_create(
    organization: Organization,
    data: GroupData,
    *,
    token: ScimToken | None = None,
    request: HttpRequest | None = None,
) -> ScimGroup:
    _lock(organization)
    _check_unique_group(organization, data)
    members = _members(organization, data.member_codes)
    group = ScimGroup.objects.create(
        organization=organization, display_name=data.display_name, external_id=data.external_id
    )
    group.members.set(members)
    record(
        None,
        "scim.group_created",
        group,
        organization=organization,
        request=request,
        actor_label=_token_label(token),
        detail={"members": len(members)},
    )
    return group


@transaction.atomic
def scim_group_update(
    group: ScimGroup,
    data: GroupData,
    *,
    token: ScimToken | None = None,
    if_match: str | None = None,
    request: HttpRequest | None = None,
) -> ScimGroup:
    organization = group.organization
    _lock(organization)
    group = ScimGroup.objects.select_for_update().select_related("organization").get(pk=group.pk)
    check_version(group.etag, if_match)
    _check_unique_group(organization, data, exclude=group)
    members = _members(organization, data.member_codes)
    before = set(group.members.all())
    changed = [
        name
        for name, value in (("display_name", data.display_name), ("external_id", data.external_id))
        if getattr(group, name) != value
    ]
    if set(members) != before:
        changed.append("members")
    if not changed:
        return group
    group.display_name = data.display_name
    group.external_id = data.external_id
    group.version += 1
    group.updated_at = timezone.now()
    group.save()
    group.members.set(members)
    label = _token_label(token)
    record(
        None,
        "scim.group_updated",
        group,
        organization=organization,
        request=request,
        actor_label=label,
        detail={
            "fields": changed,
            "added": len(set(members) - before),
            "removed": len(before - set(members)),
        },
    )
    if group.role:
        _sync_roles(organization, before | set(members), label, request)
    return group


@transaction.atomic
def scim_group_delete(
    group: ScimGroup,
    *,
    token: ScimToken | None = None,
    if_match: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    organization = group.organization
    _lock(organization)
    group = ScimGroup.objects.select_for_update().get(pk=group.pk)
    check_version(group.etag, if_match)
    members = list(group.members.all())
    label = _token_label(token)
    record(
        None,
        "scim.group_deleted",
        group,
        organization=organization,
        request=request,
        actor_label=label,
    )
    had_role = bool(group.role)
    group.delete()
    if had_role:
        _sync_roles(organization, members, label, request)


@transaction.atomic
def scim_group_map_role(
    group: ScimGroup, role: str, actor: "User", *, request: HttpRequest | None = None
) -> ScimGroup:
    """An admin decides which CareMentor role a provider's group grants ("" for none)."""
    organization = group.organization
    _require_admin(actor, organization)
    if role and role not in ROLE_FLAGS:
        raise ScimError(
            _("“%(role)s” is not a role a group can grant.") % {"role": role},
            status=422,
            scim_type="invalid_role",
        )
    _lock(organization)
    group = ScimGroup.objects.select_for_update().get(pk=group.pk)
    if group.role == role:
        return group
    before = group.role
    group.role = role
    group.save(update_fields=["role"])
    record(
        actor,
        "scim.group_role_mapped",
        group,
        organization=organization,
        request=request,
        detail={"before": before, "after": role},
    )
    _sync_roles(organization, list(group.members.all()), "", request, actor=actor)
    return group


def _sync_roles(
    organization: Organization,
    scim_users: Iterable[ScimUser],
    label: str,
    request: HttpRequest | None,
    *,
    actor: "User | None" = None,
) -> None:
    """Give each provisioned member exactly the roles their mapped groups grant.

    Nothing changes while no group of the organization is mapped, so an organization that
    manages roles by hand in CareMentor keeps doing so. The last admin keeps the admin role.
    """
    if not ScimGroup.objects.filter(organization=organization).exclude(role="").exists():
        return
    ids = [u.pk for u in scim_users]
    rows = ScimUser.objects.filter(pk__in=ids, active=True).prefetch_related("groups")
    for scim_user in rows:
        membership = (
            Membership.objects.select_for_update()
            .filter(user_id=scim_user.user_id, organization=organization)
            .first()
        )
        if membership is None:
            continue
        granted = {g.role for g in scim_user.groups.all() if g.role}
        before = membership.roles
        last_admin = (
            membership.is_admin
            and not Membership.objects.filter(organization=organization, is_admin=True)
            .exclude(pk=membership.pk)
            .exists()
        )
        if last_admin:
            granted.add(Role.ADMIN)
        membership.set_roles(granted)
        if membership.roles == before:
            continue
        membership.save(update_fields=list(ROLE_FLAGS.values()))
        record(
            actor,
            "membership.roles_changed",
            membership,
            organization=organization,
            request=request,
            actor_label=label,
            subject=scim_user.user,
            detail={"before": before, "after": membership.roles, "from_groups": True},
        )
