"""The production WSGI application with one addition for benchmarks: an ``X-Query-Count``
response header saying how many SQL queries the request ran.

Only the product benchmark starts gunicorn with this module (``benchmarks.counting_wsgi``);
production serves ``carementor.wsgi`` and never imports it. Gunicorn's sync workers serve one
request at a time per process, so one counter per process is enough.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections

from carementor.wsgi import application as django_application

HEADER = "X-Query-Count"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = [0]

    def counter(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    def counted_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
        return start_response(status, [*headers, (HEADER, str(count[0]))], *args)

    with connections["default"].execute_wrapper(counter):
        return django_application(environ, counted_start_response)
