"""Tell people about programme and matching events through the notifications app.

One call site, so the programmes and matching apps never depend on how notifications are
stored. Titles are rendered in each recipient's own language.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation


def _backend() -> Callable[..., Any] | None:
    try:
        from carementor.notifications.services import notify
    except ImportError:  # the notifications app is optional while it is being built
        return None
    return notify


def tell(
    recipients: Iterable[Any],
    kind: str,
    title: Callable[[], str],
    *,
    target: models.Model | None = None,
    url: str = "",
    actor: Any = None,
    organization: Any = None,
) -> None:
    notify = _backend()
    if notify is None:
        return
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            text = str(title())
        notify(
            [user],
            kind,
            target=target,
            context={"title": text, "url": url},
            actor=actor,
            organization=organization,
        )
