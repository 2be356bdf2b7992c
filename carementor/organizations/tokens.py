"""Signed, expiring invitation tokens: what the e-mailed link carries."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from carementor.organizations.models import Invitation

SALT = "carementor.invitation"


class InvalidToken(Exception):
    """The token was tampered with, truncated or signed with another key."""


class ExpiredToken(Exception):
    """The token's signature is older than the invitation lifetime."""


def max_age() -> timedelta:
    return timedelta(days=settings.CAREMENTOR_INVITATION_DAYS)


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"code": invitation.code}, salt=SALT)


def read_token(token: str) -> str:
    """Return the invitation code inside a token, or raise InvalidToken / ExpiredToken.

    The signature's age is only the first check: the invitation row (revoked, accepted,
    expired) decides too, because an admin may revoke before the link runs out.
    """
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise ExpiredToken from exc
    except signing.BadSignature as exc:
        raise InvalidToken from exc
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, str) or not code:
        raise InvalidToken
    return code
