"""Signing in for real and TOTP codes, for the accounts tests."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from carementor.accounts.models import User
from carementor.lib.testing import PASSWORD


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the real login form (and the TOTP stage when the user has MFA).

    Unlike force_login this records a fresh authentication, which allauth asks for before
    MFA changes.
    """
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if response["Location"] == "/accounts/2fa/authenticate/":
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        response = client.post(
            "/accounts/2fa/authenticate/", {"code": totp_code(totp.data["secret"])}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    return response


def reauthenticate(client, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Confirm the password again, as allauth asks before any change to MFA."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
