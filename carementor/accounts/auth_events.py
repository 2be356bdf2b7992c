"""Audit logins, failed logins, MFA changes and changes to sign-in credentials.

django.contrib.auth and allauth report these only through signals, so this module is the
one place CareMentor listens to signals.
"""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.audit.services import record


@receiver(auth_signals.user_logged_in)
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, "auth.login", user, request=request)


@receiver(auth_signals.user_logged_out)
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "auth.logout", user, request=request)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The typed address is not copied into the trail: it may be someone else's, and an
    # account's address would outlive its erasure. A known account becomes the subject.
    email = str(credentials.get("email") or credentials.get("username") or "")
    subject = User.objects.filter(email__iexact=email).first() if email else None
    record(
        None,
        "auth.login_failed",
        subject,
        request=request,
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"known_account": subject is not None},
    )


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    record(user, "mfa.added", user, request=request, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    record(user, "mfa.removed", user, request=request, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_reset)
def on_mfa_reset(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    record(user, "mfa.reset", user, request=request, detail={"type": authenticator.type})


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    # The password was right but the second factor was not: worth a look.
    record(
        user,
        "auth.mfa_failed",
        user,
        request=request,
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"type": authenticator.type, "reauthentication": kw.get("reauthentication")},
    )


@receiver(account_signals.password_changed)
def on_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, "auth.password_changed", user, request=request)


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(user, "auth.password_reset", user, request=request)


@receiver(account_signals.email_changed)
def on_email_changed(
    sender: Any,
    request: HttpRequest,
    user: Any,
    from_email_address: Any,
    to_email_address: Any,
    **kwargs: Any,
) -> None:
    record(
        user,
        "auth.email_changed",
        user,
        request=request,
        # The addresses themselves stay out of the trail (erasure could not remove them).
        detail={"had_previous_address": from_email_address is not None},
    )
