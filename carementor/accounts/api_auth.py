"""API authentication: the session cookie (with CSRF) or a personal access token."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from carementor.accounts.mfa import MFA_EXEMPT_API_PATHS, privileged_without_mfa
from carementor.accounts.models import PersonalAccessToken, hash_token
from carementor.lib.api_errors import ApiError


def _require_mfa_if_privileged(request: HttpRequest, user: Any) -> None:
    if privileged_without_mfa(user) and request.path not in MFA_EXEMPT_API_PATHS:
        raise ApiError(
            403,
            _("Your role requires two-factor authentication. Enrol first."),
            "mfa_required",
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            PersonalAccessToken.objects.active()
            .select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.auth_token = found  # type: ignore[attr-defined]
        _require_mfa_if_privileged(request, found.user)
        return found.user


class SessionAuth(NinjaSessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            _require_mfa_if_privileged(request, user)
        return user
