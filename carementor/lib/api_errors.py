"""The API's one error shape, shared by every router."""

from typing import Any

from ninja import Schema

from carementor.lib.errors import DomainError


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, Any]] = []


class ApiError(DomainError):
    """A domain error raised where the status comes first (gates, API-only rules)."""

    def __init__(
        self, status: int, detail: str, code: str = "error", errors: list[Any] | None = None
    ) -> None:
        super().__init__(detail, status=status, code=code, errors=errors)

    @property
    def detail(self) -> str:
        return self.message


# Response maps for operations: every 4xx an operation can return, documented. The statuses
# every operation can return whatever it does (400 unparsable body, 401, 413, 415, 422 bad
# parameters, 503 database down) are added to each operation by ``carementor.api`` when it builds the schema.
AUTH_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut}
READ_ERRORS: dict[int, type[ErrorOut]] = {**AUTH_ERRORS, 404: ErrorOut}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {**READ_ERRORS, 409: ErrorOut, 422: ErrorOut}


_ERROR_RESPONSE = {
    "description": "Error",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


def document_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation the statuses it can return whatever it does: 401 and 403 (no
    token, or a privileged role without two-factor) when it needs authentication, 404 when its
    path names an object (and 405 when a code spells a fixed route), 422 for invalid parameters or body, 400, 413 and 415 for a body
    that cannot be read, is too large or is not JSON, and 503 when the database is down."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            parameters = operation.get("parameters", [])
            statuses: list[int] = [503]
            if operation.get("security"):
                statuses += [401, 403]
            if any(p.get("in") == "path" for p in parameters):
                # 405: a code that spells a fixed route beside it (``/programs/templates``)
                # reaches that route, which may not take this method.
                statuses += [404, 405]
            if parameters or "requestBody" in operation:
                statuses.append(422)
            if "requestBody" in operation:
                statuses += [400, 413, 415]
            responses = operation["responses"]
            for status in statuses:
                if status not in responses and str(status) not in responses:
                    responses[status] = _ERROR_RESPONSE
    return schema
