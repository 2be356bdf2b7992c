from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carementor.accounts import throttle


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed login attempts. Try again later. If this is your account, "
            "the link we have e-mailed you lets you sign in now."
        ),
    }

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # An invitation link opened before signing in is honoured after signing in.
        pending = request.session.pop("pending_invitation", None)
        if pending:
            return reverse("organizations:invitation", args=[pending])
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # After sign-up and e-mail confirmation allauth uses this, not the login redirect.
        pending = request.session.pop("pending_invitation", None)
        if pending:
            return reverse("organizations:invitation", args=[pending])
        return super().get_signup_redirect_url(request)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        if commit:
            user.save()
        return user

    # Login throttling: our shared, progressive limits replace allauth's login_failed
    # limit (which lives in the default cache and locks the owner out with the attacker).
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        self._login_failed_rl_usage = None
        if not throttle.check(request, _login(credentials)):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttle.failed(request, _login(credentials))


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()
