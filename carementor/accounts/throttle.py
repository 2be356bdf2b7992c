"""Login throttling that holds across processes: per account and per address, progressive.

The counters live in ``caches["throttle"]``, which is Redis when ``REDIS_URL`` is set and
the database cache otherwise, so every web process and machine sees the same count (a
process's own memory let three workers allow three times the limit).

After ``FAILURES`` wrong passwords in ``WINDOW`` seconds the account (or the address) is
locked for ``BASE_LOCK`` seconds, and each further lockout within ``MEMORY`` doubles the lock
up to ``MAX_LOCK``. A lock on an account would let anyone lock its owner out, so the owner
gets an e-mail with a signed link: opening it in their browser lets that browser sign in past
the account lock (never past an address lock, which is the attacker's).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import BaseCache, caches
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.audit.services import client_ip, record

FAILURES = 5  # per account in the window
ADDRESS_FAILURES = 20  # per client address in the window: one office shares one address
WINDOW = 15 * 60
BASE_LOCK = 60
MAX_LOCK = 24 * 60 * 60
MEMORY = 24 * 60 * 60  # how long earlier lockouts make the next one longer
UNLOCK_MAX_AGE = 60 * 60
UNLOCK_SALT = "carementor.accounts.login-unlock"
SESSION_UNLOCK = "login_unlock"


@dataclass(frozen=True)
class Lock:
    scope: str  # "account" or "address"
    seconds: int
    level: int


def _digest(value: str) -> str:
    # Keys never hold an address in clear: the database cache is part of a database dump.
    return salted_hmac("carementor.throttle", value.lower()).hexdigest()[:40]


class LoginThrottle:
    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache

    def _keys(self, scope: str, value: str) -> tuple[str, str, str]:
        base = f"login:{scope}:{_digest(value)}"
        return f"{base}:count", f"{base}:until", f"{base}:level"

    def locked_until(self, scope: str, value: str) -> float | None:
        """The time (epoch seconds) until which the scope is locked, or None."""
        _count, until_key, _level = self._keys(scope, value)
        until = self.cache.get(until_key)
        if until is None or until <= timezone.now().timestamp():
            return None
        return float(until)

    def fail(self, scope: str, value: str, limit: int) -> Lock | None:
        """Count one failure; return the lock it caused, if it caused one. A success resets
        nothing: otherwise an attacker could interleave successful logins of their own."""
        count_key, until_key, level_key = self._keys(scope, value)
        # add() then incr() is atomic on Redis and near enough on the database cache.
        self.cache.add(count_key, 0, WINDOW)
        try:
            count = self.cache.incr(count_key)
        except ValueError:  # expired between add and incr
            self.cache.set(count_key, 1, WINDOW)
            count = 1
        if count < limit:
            return None
        self.cache.delete(count_key)
        level = int(self.cache.get(level_key) or 0)
        seconds = min(BASE_LOCK * 2**level, MAX_LOCK)
        self.cache.set(until_key, timezone.now().timestamp() + seconds, seconds)
        self.cache.set(level_key, level + 1, MEMORY)
        return Lock(scope=scope, seconds=seconds, level=level + 1)

    def clear(self, scope: str, value: str) -> None:
        self.cache.delete_many(list(self._keys(scope, value)))


def throttle() -> LoginThrottle:
    return LoginThrottle(caches["throttle"])


# --- The unlock link ----------------------------------------------------------------------


def unlock_token(user: User, until: float) -> str:
    # Tied to this lock: a link from an earlier lockout does not open a later one.
    return signing.dumps({"u": user.code, "t": int(until)}, salt=UNLOCK_SALT)


def unlock_user(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_MAX_AGE)
    except signing.BadSignature:
        return None
    return User.objects.filter(code=data.get("u"), is_active=True).first()


def unlock_for_browser(request: HttpRequest, user: User) -> None:
    request.session[SESSION_UNLOCK] = {
        "u": user.code,
        "until": timezone.now().timestamp() + UNLOCK_MAX_AGE,
    }
    record(user, "auth.unlock_used", user, request=request)


def browser_unlocked(request: HttpRequest, email: str) -> bool:
    session = getattr(request, "session", None)
    data = session.get(SESSION_UNLOCK) if session is not None else None
    if not data or data.get("until", 0) < timezone.now().timestamp():
        return False
    return User.objects.filter(code=data.get("u"), email__iexact=email).exists()


def _send_unlock_mail(request: HttpRequest | None, user: User, lock: Lock, until: float) -> None:
    link = settings.SITE_URL + reverse("login_unlock", args=[unlock_token(user, until)])
    context = {"user": user, "link": link, "minutes": max(1, lock.seconds // 60)}
    send_mail(
        render_to_string("accounts/email/unlock_subject.txt", context).strip(),
        render_to_string("accounts/email/unlock_body.txt", context),
        None,
        [user.email],
    )


# --- What the adapter calls ---------------------------------------------------------------


def check(request: HttpRequest, email: str) -> bool:
    """May this request try a password for this address now?"""
    limits = throttle()
    ip = client_ip(request) or ""
    if ip and limits.locked_until("address", ip):
        return False
    if limits.locked_until("account", email):
        return browser_unlocked(request, email)
    return True


def failed(request: HttpRequest, email: str) -> None:
    limits = throttle()
    ip = client_ip(request) or ""
    locks = []
    if email:
        locks.append(limits.fail("account", email, FAILURES))
    if ip:
        locks.append(limits.fail("address", ip, ADDRESS_FAILURES))
    user = User.objects.filter(email__iexact=email).first() if email else None
    for lock in locks:
        if lock is None:
            continue
        _audit_lock(request, lock, user if lock.scope == "account" else None)
        if lock.scope == "account" and user is not None and user.is_active:
            until = limits.locked_until("account", email) or 0.0
            _send_unlock_mail(request, user, lock, until)


def _audit_lock(request: HttpRequest, lock: Lock, user: User | None) -> None:
    detail: dict[str, Any] = {"scope": lock.scope, "seconds": lock.seconds, "level": lock.level}
    record(
        None,
        "auth.locked_out",
        user,
        request=request,
        outcome=AuditEvent.Outcome.DENIED,
        actor_label="login-throttle",
        detail=detail,
    )
