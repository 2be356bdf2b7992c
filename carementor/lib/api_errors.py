"""The API's one error shape, shared by every router."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, Any]] = []


class ApiError(Exception):
    """Raise from an API operation to answer with the standard error shape."""

    def __init__(
        self, status: int, detail: str, code: str = "error", errors: list[Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors or []


# Response maps for operations: every 4xx an operation can return, documented.
AUTH_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut}
READ_ERRORS: dict[int, type[ErrorOut]] = {**AUTH_ERRORS, 404: ErrorOut}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {**READ_ERRORS, 409: ErrorOut, 422: ErrorOut}
