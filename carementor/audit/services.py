"""Writing the audit trail. Every service that changes something security-relevant calls record()."""

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from carementor.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carementor.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address; behind N trusted proxies, the N-th address from the right."""
    if request is None:
        return None
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(
    actor: "User | AnonymousUser | None",
    action: str,
    target: models.Model | None = None,
    *,
    organization: Any = None,
    request: HttpRequest | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
    subject: Any = None,
) -> AuditEvent:
    """Append one event. People are referenced, never copied: ``actor_label`` names a
    non-person actor (a command, the virus scanner) and must never hold an e-mail address."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "code", None) or target.pk)
    if subject is None and target is not None and target._meta.label == settings.AUTH_USER_MODEL:
        subject = target
    return AuditEvent.objects.create(
        actor=cast("User", actor) if is_user else None,
        actor_label="" if is_user else actor_label[:80],
        subject=subject if subject is not None and subject.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target_id,
        organization=organization,
        ip=client_ip(request),
        outcome=outcome,
        detail=detail or {},
    )


def record_read(
    reader: "User | AnonymousUser",
    action: str,
    target: models.Model,
    *,
    organization: Any = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Audit a read of confidential content (messages, shared notes, named answers, results,
    exports). Reads are named ``<thing>.read`` so the audit page can filter them."""
    return record(reader, action, target, organization=organization, request=request, detail=detail)
