"""State changes on a person's own account: API tokens and account settings."""

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import PersonalAccessToken, User, hash_token
from carementor.audit.services import record
from carementor.lib.api_errors import ApiError

# Enough for every script and device a person runs; a cap keeps a leaked session from
# minting tokens without bound.
MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def token_create(
    user: User,
    name: str,
    expires_at: datetime | None = None,
    *,
    request: HttpRequest | None = None,
) -> tuple[PersonalAccessToken, str]:
    """Create a token and return it with its raw value, which is never stored or shown again."""
    # Lock the user row so two requests at once cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if PersonalAccessToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ApiError(
            409,
            _("You already have %(count)d active tokens. Revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS},
            "too_many_tokens",
        )
    raw = PersonalAccessToken.generate()
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:10],
        expires_at=expires_at,
    )
    record(
        user,
        "token.created",
        token,
        request=request,
        detail={"expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, raw


@transaction.atomic
def token_revoke(
    token: PersonalAccessToken, actor: User, *, request: HttpRequest | None = None
) -> PersonalAccessToken:
    """Revoke a token at once. Revoking a revoked token changes nothing and records nothing."""
    token = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, "token.revoked", token, request=request)
    return token


@transaction.atomic
def account_update(
    user: User,
    *,
    full_name: str | None = None,
    preferred_name: str | None = None,
    timezone_name: str | None = None,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Change a person's names, timezone or interface language (already validated)."""
    changes = {
        field: value
        for field, value in (
            ("full_name", full_name),
            ("preferred_name", preferred_name),
            ("timezone", timezone_name),
            ("language", language),
        )
        if value is not None and getattr(user, field) != value
    }
    if not changes:
        return user
    for field, value in changes.items():
        setattr(user, field, value)
    user.save(update_fields=list(changes))
    record(user, "account.updated", user, request=request, detail={"fields": sorted(changes)})
    return user


def sessions_end(user: User) -> int:
    """Sign the person out everywhere: delete every live session that belongs to them."""
    key = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(user: User, actor: User, *, request: HttpRequest | None = None) -> User:
    """Stop an account: no sign-in, every session ended, every API token revoked. Audited."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = (
        PersonalAccessToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    )
    sessions = sessions_end(user)
    record(
        actor,
        "account.deactivated",
        user,
        request=request,
        detail={"sessions_ended": sessions, "tokens_revoked": revoked},
    )
    return user
