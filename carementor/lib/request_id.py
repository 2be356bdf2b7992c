"""The id of the request being served, for every log line written while serving it."""

import logging
import re
import uuid
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("request_id", default="-")
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def new_request_id(incoming: str | None = None) -> str:
    """The proxy's id when it sent a sane one (so its logs and ours join up), else a new one."""
    if incoming and _ACCEPTED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def get_request_id() -> str:
    return _current.get()


def set_request_id(value: str) -> object:
    return _current.set(value)


def reset_request_id(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
