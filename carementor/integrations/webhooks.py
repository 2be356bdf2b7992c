"""Signed webhooks: endpoints an admin registers, and deliveries made from the audit trail.

Events come from the audit trail (``EVENT_ACTIONS``), read after commit by ``webhooks_dispatch``
and by the task each provisioning change enqueues, so no other app needs to know webhooks
exist. Each delivery is signed with HMAC-SHA256 over ``"{timestamp}.{body}"``:

    X-CareMentor-Timestamp: 1767772800
    X-CareMentor-Signature: v1=<hex digest>

A receiver recomputes the digest with its secret and refuses timestamps older than five
minutes (replays). Payloads carry codes, never names or e-mail addresses.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.audit.models import AuditEvent
from carementor.audit.services import record
from carementor.integrations.models import (
    EVENT_ACTIONS,
    TEST_EVENT,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from carementor.integrations.secrets_box import decrypt, encrypt
from carementor.integrations.services import ScimError, _require_admin
from carementor.organizations.models import Organization

if TYPE_CHECKING:
    from carementor.accounts.models import User

SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS = 20
TIMEOUT_SECONDS = 10
# After the first attempt: 1 min, 5 min, 30 min, 2 h, 12 h; then the delivery has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
ACTION_EVENTS = {action: event for event, action in EVENT_ACTIONS.items()}


class WebhookError(ScimError):
    """A refused webhook change (the API and pages answer its status)."""


def _allow_loopback() -> bool:
    return bool(getattr(settings, "CAREMENTOR_WEBHOOK_ALLOW_LOOPBACK", settings.DEBUG))


def clean_url(url: str) -> str:
    """HTTPS only; plain HTTP to this machine only where loopback is allowed (development)."""
    parts = urlsplit(url.strip())
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and loopback and _allow_loopback():
        return url.strip()
    raise WebhookError(
        _("Use an https:// address for the endpoint."), status=422, scim_type="invalid_url"
    )


def clean_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise WebhookError(
            _("“%(event)s” is not an event type.") % {"event": unknown[0]},
            status=422,
            scim_type="invalid_event",
        )
    if not events:
        raise WebhookError(
            _("Choose at least one event type."), status=422, scim_type="invalid_event"
        )
    return [e for e in WebhookEvent.values if e in set(events)]


def _latest_audit_id() -> int:
    return int(AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0)


@transaction.atomic
def endpoint_create(
    organization: Organization,
    url: str,
    events: list[str],
    actor: "User",
    *,
    description: str = "",
    request: HttpRequest | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; return it with its signing secret, shown to the admin once."""
    _require_admin(actor, organization)
    url = clean_url(url)
    events = clean_events(events)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if WebhookEndpoint.objects.filter(organization=organization).count() >= MAX_ENDPOINTS:
        raise WebhookError(
            _("An organization has at most %(count)d webhook endpoints.")
            % {"count": MAX_ENDPOINTS},
            status=409,
            scim_type="too_many_endpoints",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=url,
        description=description,
        events=events,
        secret_encrypted=encrypt(secret),
        created_by=actor,
        # Only what happens from now on: an endpoint does not receive the past.
        cursor=_latest_audit_id(),
    )
    record(
        actor,
        "webhook.endpoint_created",
        endpoint,
        organization=organization,
        request=request,
        detail={"events": events},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    endpoint: WebhookEndpoint,
    actor: "User",
    *,
    events: list[str] | None = None,
    is_active: bool | None = None,
    request: HttpRequest | None = None,
) -> WebhookEndpoint:
    _require_admin(actor, endpoint.organization)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changed = []
    if events is not None and clean_events(events) != endpoint.events:
        endpoint.events = clean_events(events)
        changed.append("events")
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        if is_active:
            # Paused endpoints skip what happened meanwhile rather than receive a flood.
            endpoint.cursor = _latest_audit_id()
            changed.append("cursor")
        changed.append("is_active")
    if not changed:
        return endpoint
    endpoint.save(update_fields=changed)
    record(
        actor,
        "webhook.endpoint_updated",
        endpoint,
        organization=endpoint.organization,
        request=request,
        detail={"fields": changed},
    )
    return endpoint


@transaction.atomic
def endpoint_delete(
    endpoint: WebhookEndpoint, actor: "User", *, request: HttpRequest | None = None
) -> None:
    _require_admin(actor, endpoint.organization)
    record(
        actor,
        "webhook.endpoint_deleted",
        endpoint,
        organization=endpoint.organization,
        request=request,
    )
    endpoint.delete()


def _enqueue_on_commit(delivery: WebhookDelivery) -> None:
    from carementor.integrations.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))


def _payload(event_type: str, organization: Organization, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": event_type,
        "organization": organization.code,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }


@transaction.atomic
def send_test_event(
    endpoint: WebhookEndpoint, actor: "User", *, request: HttpRequest | None = None
) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery, as the "Send test event" button does."""
    _require_admin(actor, endpoint.organization)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=TEST_EVENT,
        payload=_payload(TEST_EVENT, endpoint.organization, {"endpoint": endpoint.code}),
    )
    delivery.payload["id"] = delivery.code
    delivery.save(update_fields=["payload"])
    record(
        actor,
        "webhook.test_sent",
        endpoint,
        organization=endpoint.organization,
        request=request,
    )
    _enqueue_on_commit(delivery)
    return delivery


def dispatch(*, limit: int = 500) -> int:
    """Turn new audit events into deliveries for every active endpoint; queue due retries.

    Safe to run twice: a delivery is unique per endpoint and audit event, and each endpoint's
    cursor only moves forward. Returns how many deliveries were created.
    """
    created = 0
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("organization"):
        created += _dispatch_endpoint(endpoint, limit)
    for delivery_id in WebhookDelivery.objects.due().values_list("id", flat=True)[:limit]:
        from carementor.integrations.tasks import deliver_webhook

        deliver_webhook.enqueue(delivery_id)
    return created


def _dispatch_endpoint(endpoint: WebhookEndpoint, limit: int) -> int:
    actions = [EVENT_ACTIONS[WebhookEvent(e)] for e in endpoint.events if e in WebhookEvent.values]
    created = 0
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        events = list(
            AuditEvent.objects.filter(
                organization_id=endpoint.organization_id,
                id__gt=endpoint.cursor,
                action__in=actions,
                outcome=AuditEvent.Outcome.SUCCESS,
            )
            .select_related("subject")
            .order_by("id")[:limit]
        )
        for event in events:
            event_type = ACTION_EVENTS[event.action]
            data = {"target_type": event.target_type, "target": event.target_id}
            if event.subject is not None:
                data["person"] = event.subject.code
            payload = _payload(str(event_type), endpoint.organization, data)
            payload["created_at"] = event.at.isoformat()
            try:
                with transaction.atomic():
                    delivery = WebhookDelivery.objects.create(
                        endpoint=endpoint,
                        event_type=str(event_type),
                        audit_event_id=event.pk,
                        payload=payload,
                    )
            except IntegrityError:
                continue
            delivery.payload["id"] = delivery.code
            delivery.save(update_fields=["payload"])
            _enqueue_on_commit(delivery)
            created += 1
        if events:
            endpoint.cursor = events[-1].pk
            endpoint.save(update_fields=["cursor"])
    return created


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def _refuse_private_address(url: str) -> None:
    """Refuse to post to this machine or a private network unless loopback is allowed."""
    if _allow_loopback():
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise OSError(_("The endpoint's host name does not resolve.")) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise OSError(_("The endpoint resolves to a private address; refusing to send."))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        # A redirect could point anywhere, including inside the network: report it instead.
        return None


def attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make one attempt at a due delivery and record the outcome; schedule the next on failure."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None or delivery.next_attempt_at > timezone.now():
            return delivery
        # Claim the attempt before the network call, so a second worker does not repeat it.
        delivery.attempts += 1
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=TIMEOUT_SECONDS * 3)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    status_code: int | None = None
    error = ""
    try:
        _refuse_private_address(endpoint.url)
        # clean_url admitted only http(s) addresses, checked again here before any network use.
        if urlsplit(endpoint.url).scheme not in ("http", "https"):
            raise ValueError(_("Only http(s) endpoints are called."))
        request = urllib.request.Request(  # noqa: S310
            endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "CareMentor-Webhooks/1",
                "X-CareMentor-Event": delivery.event_type,
                "X-CareMentor-Delivery": delivery.code,
                "X-CareMentor-Timestamp": str(timestamp),
                "X-CareMentor-Signature": sign(decrypt(endpoint.secret_encrypted), timestamp, body),
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code = exc.code
        error = _("The endpoint answered %(status)d.") % {"status": exc.code}
    except (OSError, ValueError) as exc:
        error = str(exc)[:500] or exc.__class__.__name__
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.last_status_code = status_code
        delivery.last_error = error[:500]
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = timezone.now() + BACKOFF[delivery.attempts - 1]
        delivery.save(
            update_fields=[
                "last_status_code",
                "last_error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return delivery
