"""The controlled vocabularies as plain values, cached: read on every page and suggestion,
changed by hand a few times a year.

One cache entry holds everything (a few hundred rows); each process keeps its own copy while
the cache's token is unchanged, so a request costs one small cache read and no query. Any
save or delete of a vocabulary row, and every migration, draws a new token.
"""

import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

TOKEN_KEY = "profiles:vocabulary:token"
DATA_KEY = "profiles:vocabulary:data"


@dataclass(frozen=True)
class Term:
    code: str
    name: str


@dataclass(frozen=True)
class Vocabulary:
    professions: tuple[Term, ...]
    languages: tuple[Term, ...]
    names: dict[str, str]  # specialty, competency and profession codes → names
    language_names: dict[str, str]
    specialty_parent: dict[str, str | None]
    specialty_group: dict[str, str]


_local: dict[str, Any] = {}
_lock = threading.Lock()


def _read() -> Vocabulary:
    from carementor.profiles.models import Competency, Language, Profession, Specialty

    names: dict[str, str] = {}
    for model in (Specialty, Competency, Profession):
        names.update(dict(model.objects.values_list("code", "name")))
    specialties = list(Specialty.objects.values_list("code", "parent__code", "profession_group"))
    languages = tuple(Term(c, n) for c, n in Language.objects.values_list("code", "name"))
    return Vocabulary(
        professions=tuple(Term(c, n) for c, n in Profession.objects.values_list("code", "name")),
        languages=languages,
        names=names,
        language_names={t.code: t.name for t in languages},
        specialty_parent={code: parent for code, parent, _g in specialties},
        specialty_group={code: group for code, _p, group in specialties},
    )


def vocabulary() -> Vocabulary:
    """Every vocabulary, from this process's copy, the cache, or the database (in that order)."""
    token = cache.get(TOKEN_KEY)
    if token is not None and _local.get("token") == token:
        return _local["data"]  # type: ignore[no-any-return]
    data = cache.get(DATA_KEY) if token is not None else None
    if data is None or data[0] != token:
        token = token or secrets.token_hex(8)
        data = (token, _read())
        cache.set_many({DATA_KEY: data, TOKEN_KEY: token}, timeout=None)
    with _lock:
        _local.update(token=data[0], data=data[1])
    return data[1]  # type: ignore[no-any-return]


def invalidate(*args: Any, **kwargs: Any) -> None:
    """Forget the cached vocabularies (a receiver for saves, deletes and migrations)."""
    cache.delete_many([TOKEN_KEY, DATA_KEY])
    with _lock:
        _local.clear()
