from allauth.mfa.stages import AuthenticateStage
from django.http import HttpRequest

from carementor.accounts.mfa import idp_asserted_mfa


class AuthenticateUnlessAssertedStage(AuthenticateStage):
    """allauth's MFA prompt, skipped when the organization's identity provider has just
    asserted a multi-factor sign-in for this very person."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if self.login.user is not None and idp_asserted_mfa(request, self.login.user):
            return False
        return super()._should_handle(request)
