"""Writing the audit trail. Every service that changes something security-relevant calls record()."""

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from carementor.audit.models import AuditEvent


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
    actor: Any,
    action: str,
    target: models.Model | None = None,
    *,
    organization: Any = None,
    request: HttpRequest | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    actor_email: str = "",
) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "code", None) or target.pk)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_email=(actor.email if is_user else actor_email)[:254],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target_id,
        target_repr=str(target)[:200] if target is not None else "",
        organization=organization,
        ip=client_ip(request),
        outcome=outcome,
        detail=detail or {},
    )
