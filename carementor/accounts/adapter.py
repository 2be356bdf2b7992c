from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
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
