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


def tell_many(
    recipients: Iterable[Any],
    kind: str,
    title: Callable[[], str],
    *,
    url: str = "",
    actor: Any = None,
    organization: Any = None,
) -> int:
    """The same news to many people in a few statements: the title is rendered once per
    language, the rows written in bulk (`notifications.services.notify_each`)."""
    try:
        from carementor.notifications.services import notify_each
    except ImportError:
        return 0
    texts: dict[str, str] = {}
    entries = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                texts[language] = str(title())
        entries.append((user, {"title": texts[language], "url": url}))
    return notify_each(entries, kind, actor=actor, organization=organization)
