"""How the API reads requests: JSON bodies only as JSON, and no control characters anywhere.

The schemas' own types (``carementor.lib.text.Text``) document and enforce the text rules
field by field; this parser is the net under them, so that no operation, whatever its schema
says, passes a NUL or another control character on to the database.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

from carementor.lib.errors import DomainError
from carementor.lib.text import find_control


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not is_json(request.content_type or ""):
            raise DomainError(
                _("Send the request body as JSON, with Content-Type: application/json."),
                status=415,
                code="unsupported_media_type",
            )
        data = json.loads(request.body)
        errors = find_control(data, ("body",))
        if errors:
            raise ValidationError(errors)
        return data  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        where = "query" if data is request.GET else "form"
        errors = find_control(
            {key: [v for v in data.getlist(key) if isinstance(v, str)] for key in data}, (where,)
        )
        if errors:
            for error in errors:  # a list index means nothing to the client here
                if error["loc"] and error["loc"][-1].isdigit():
                    error["loc"] = error["loc"][:-1]
            raise ValidationError(errors)
        return super().parse_querydict(data, list_fields, request)
