"""Telling people things: in-app rows written with the change, e-mail sent after commit."""

import json
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from carementor.accounts.models import User
from carementor.notifications.models import EmailMode, Notification, NotificationPreference
from carementor.notifications.registry import attachments_for

if TYPE_CHECKING:
    from carementor.accounts.models import User

logger = logging.getLogger(__name__)

# Immediate e-mails not sent after this long are swept up by `notifications_send_pending`.
PENDING_GRACE_MINUTES = 5


def email_mode_for(user: "User") -> str:
    pref = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True)
    return pref.first() or EmailMode.IMMEDIATE


def _render_title(kind: str, context: dict[str, Any]) -> str:
    names = [f"notifications/kinds/{kind}.txt", "notifications/kinds/generic.txt"]
    return " ".join(render_to_string(names, context).split())[:300]


def _target_url(target: models.Model | None, context: dict[str, Any]) -> str:
    if context.get("url"):
        return str(context["url"])
    get_url = getattr(target, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""


def notify(
    recipients: Iterable[Any],
    kind: str,
    *,
    target: models.Model | None = None,
    context: dict[str, Any] | None = None,
    actor: "User | None" = None,
    organization: Any = None,
) -> list[Notification]:
    """Write one notification per recipient in the caller's transaction, then e-mail those who
    want it immediately once that transaction commits.

    ``context`` must be JSON-serializable; it is stored and given to the kind's templates
    (``notifications/kinds/<kind>.txt`` for the one-line title, ``notifications/email/<kind>.txt``
    and ``.html`` for the e-mail, each with a generic fallback), together with ``target`` and
    ``actor`` at write time.
    """
    context = dict(context or {})
    seen: set[int] = set()
    users: list[User] = []
    for user in recipients:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            users.append(user)
    if not users:
        return []
    modes = dict(
        NotificationPreference.objects.filter(user__in=users).values_list("user_id", "email_mode")
    )
    url = _target_url(target, context)
    target_type = target._meta.label_lower if target is not None else ""
    target_code = str(getattr(target, "code", None) or getattr(target, "pk", "") or "")
    rows = []
    for user in users:
        render_context = {**context, "target": target, "actor": actor, "recipient": user}
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            timezone.override(user.timezone or settings.TIME_ZONE),
        ):
            title = _render_title(kind, render_context)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                url=url,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                organization=organization,
                target_type=target_type,
                target_code=target_code,
                context=context,
                email_mode=modes.get(user.pk, EmailMode.IMMEDIATE),
            )
        )
    created = Notification.objects.bulk_create(rows)
    immediate = [n.pk for n in created if n.email_mode == EmailMode.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: _enqueue_emails(immediate))
    return created


EMAIL_BATCH = 500  # notification ids per background e-mail task in a batch
LINK_KEYS = ("url", "target_type", "target_code")  # where a notification links; not in titles


def notify_each(
    entries: Iterable[tuple[Any, dict[str, Any]]],
    kind: str,
    *,
    actor: "User | None" = None,
    organization: Any = None,
) -> int:
    """Many people, each with their own context (``url`` and ``target_code`` in it set the
    link, and are not given to the title), in a few statements: bulk writes, titles rendered
    once per language, timezone and remaining context, e-mails sent after commit by a few background tasks. The kind's title template
    must not use ``recipient`` or ``target``. Returns how many notifications were written."""
    people: dict[int, tuple[Any, dict[str, Any]]] = {}
    for user, context in entries:
        if user is not None and user.is_active and user.pk not in people:
            people[user.pk] = (user, dict(context))
    if not people:
        return 0
    modes = dict(
        NotificationPreference.objects.filter(user_id__in=list(people)).values_list(
            "user_id", "email_mode"
        )
    )
    titles: dict[tuple[str, str, str], str] = {}
    rows = []
    for user, context in people.values():
        language = user.language or settings.LANGUAGE_CODE
        zone = user.timezone or settings.TIME_ZONE
        shown = {k: v for k, v in context.items() if k not in LINK_KEYS}
        key = (language, zone, json.dumps(shown, sort_keys=True, default=str))
        if key not in titles:
            with translation.override(language), timezone.override(zone):
                titles[key] = _render_title(kind, {**shown, "actor": actor})
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=titles[key],
                url=str(context.get("url", "")),
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                organization=organization,
                target_type=str(context.get("target_type", "")),
                target_code=str(context.get("target_code", "")),
                context=context,
                email_mode=modes.get(user.pk, EmailMode.IMMEDIATE),
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    immediate = [n.pk for n in created if n.email_mode == EmailMode.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: _enqueue_email_batches(immediate))
    return len(created)


def _enqueue_email_batches(ids: list[int]) -> None:
    from carementor.notifications.tasks import send_notification_emails

    for start in range(0, len(ids), EMAIL_BATCH):
        chunk = ids[start : start + EMAIL_BATCH]
        try:
            send_notification_emails.enqueue(chunk)
        except Exception:
            # The rows are saved; `notifications_send_pending` will send them later.
            logger.exception("Could not enqueue %d notification e-mails", len(chunk))


def _enqueue_emails(ids: list[int]) -> None:
    from carementor.notifications.tasks import send_notification_email

    for pk in ids:
        try:
            send_notification_email.enqueue(pk)
        except Exception:
            # The row is saved; `notifications_send_pending` will send it later.
            logger.exception("Could not send or enqueue notification e-mail %s", pk)


def _email_templates(kind: str, suffix: str) -> list[str]:
    return [f"notifications/email/{kind}.{suffix}", f"notifications/email/generic.{suffix}"]


def notification_email_send(notification_id: int) -> bool:
    """Send one notification's e-mail unless it has gone already. Safe to run twice: the row
    is locked and ``emailed_at`` is set in the same transaction as the send; if sending fails,
    nothing is marked and a later run sends it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or notification.email_mode == EmailMode.OFF:
            return False
        recipient = notification.recipient
        if recipient.is_active:
            with (
                translation.override(recipient.language or settings.LANGUAGE_CODE),
                timezone.override(recipient.timezone or settings.TIME_ZONE),
            ):
                context = {
                    "notification": notification,
                    "recipient": recipient,
                    "ctx": notification.context,
                    "site_url": settings.SITE_URL,
                    "SITE_NAME": settings.SITE_NAME,
                }
                text = render_to_string(_email_templates(notification.kind, "txt"), context)
                html = render_to_string(_email_templates(notification.kind, "html"), context)
            message = EmailMultiAlternatives(
                f"[{settings.SITE_NAME}] {notification.title}", text, None, [recipient.email]
            )
            message.attach_alternative(html, "text/html")
            for name, content, mimetype in attachments_for(notification):
                message.attach(name, content, mimetype)
            message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_send_pending(*, older_than_minutes: int = PENDING_GRACE_MINUTES) -> int:
    """Send immediate e-mails whose task never ran or failed. Returns how many were sent."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Notification.objects.awaiting_email(EmailMode.IMMEDIATE)
        .filter(created_at__lte=cutoff)
        .order_by("id")
        .values_list("id", flat=True)
    )
    sent = 0
    for pk in ids:
        try:
            sent += notification_email_send(pk)
        except Exception:
            logger.exception("Notification e-mail %s failed; will retry on the next run", pk)
    return sent


def notifications_send_digests() -> int:
    """One e-mail per person with their unsent digest notifications. Returns e-mails sent."""
    user_ids = (
        Notification.objects.awaiting_email(EmailMode.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(user_ids):
        try:
            sent += _send_digest(user_id)
        except Exception:
            logger.exception("Digest for user %s failed; will retry on the next run", user_id)
    return sent


def _send_digest(user_id: int) -> int:
    with transaction.atomic():
        recipient = User.objects.select_for_update().get(pk=user_id)
        items = list(
            Notification.objects.awaiting_email(EmailMode.DIGEST)
            .filter(recipient=recipient)
            .order_by("created_at", "id")
        )
        if not items:
            return 0
        if recipient.is_active:
            with (
                translation.override(recipient.language or settings.LANGUAGE_CODE),
                timezone.override(recipient.timezone or settings.TIME_ZONE),
            ):
                context = {
                    "items": items,
                    "recipient": recipient,
                    "site_url": settings.SITE_URL,
                    "SITE_NAME": settings.SITE_NAME,
                }
                subject = render_to_string("notifications/email/digest_subject.txt", context)
                text = render_to_string("notifications/email/digest.txt", context)
                html = render_to_string("notifications/email/digest.html", context)
            message = EmailMultiAlternatives(
                " ".join(subject.split()), text, None, [recipient.email]
            )
            message.attach_alternative(html, "text/html")
            message.send()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
    return 1


def notifications_mark_read(user: "User", codes: list[str] | None = None) -> int:
    """Mark the person's notifications read: the given codes, or all of them."""
    rows = Notification.objects.for_user(user).unread()
    if codes is not None:
        rows = rows.filter(code__in=codes)
    return rows.update(read_at=timezone.now())


def notification_preference_set(user: "User", email_mode: str) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise ValueError(email_mode)
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode}
    )
    return pref
