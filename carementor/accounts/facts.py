"""Facts about a person that nearly every request asks — the roles they hold in their
organizations, whether they have enrolled in MFA — cached in the shared cache.

Each fact is stored under the person's ``access_stamp``, a column of their own user row, which
every request reads anyway (session and token authentication load the row). Whatever changes a
membership or an authenticator replaces the stamp (post_save/post_delete receivers connected in
``accounts.apps`` and ``organizations.apps``; bulk SQL that sends no signal must call
``refresh_access_stamp`` itself), so from the next request on no process uses a fact computed
before the change — even when each process has its own memory cache. Stamps are random, never
counted up, so a rolled-back transaction or a restored database cannot meet an entry written
for different data.
"""

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")

FACT_SECONDS = 600
_MISSING = object()


def _key(user: Any, name: str) -> str:
    return f"userfacts:{user.pk}:{user.access_stamp}:{name}"


def cached_fact(user: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` for this person, at most once per stamp (and once per request object)."""
    key = _key(user, name)
    memo: dict[str, Any] = user.__dict__.setdefault("_cached_facts", {})
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, FACT_SECONDS)
    memo[key] = value
    return value  # type: ignore[no-any-return]


def refresh_access_stamp(user_id: int | None, instance: Any = None) -> None:
    """Make every fact cached for this person stale. ``instance``: a loaded user object that
    should see the new stamp at once (the database row always does)."""
    if user_id is None:
        return
    from carementor.accounts.models import User

    stamp = secrets.token_hex(8)
    User.objects.filter(pk=user_id).update(access_stamp=stamp)
    if instance is not None and instance.pk == user_id:
        instance.access_stamp = stamp


def _related_user(instance: Any) -> Any:
    """The user object the changed row was built with, if it holds one, without a query."""
    return instance._state.fields_cache.get("user")


def refresh_on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Signal receiver for rows with a ``user`` foreign key (memberships, authenticators)."""
    if kwargs.get("raw"):
        return
    refresh_access_stamp(instance.user_id, _related_user(instance))
