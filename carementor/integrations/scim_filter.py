"""SCIM filters (RFC 7644 §3.4.2.2) turned into Django queries over a fixed set of attributes.

Supported: the operators eq, ne, co, sw, ew and pr; and, or, not and parentheses; the value path
form ``emails[value eq "x"]``. Anything else is refused with ``invalidFilter``, never guessed.
"""

import json
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from carementor.integrations.services import ScimError

TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\(|\)|\[|\]|[^\s()\[\]]+)')


@dataclass(frozen=True)
class Column:
    lookup: str
    kind: str = "string"  # "string", "boolean" or "email" (the indexed e-mail values)


USER_COLUMNS = {
    "id": Column("code"),
    "username": Column("user_name"),
    "externalid": Column("external_id"),
    "displayname": Column("display_name"),
    "name.givenname": Column("given_name"),
    "name.familyname": Column("family_name"),
    "name.formatted": Column("formatted_name"),
    "emails": Column("email_index", "email"),
    "emails.value": Column("email_index", "email"),
    "active": Column("active", "boolean"),
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber": Column(
        "employee_number"
    ),
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department": Column("department"),
}

GROUP_COLUMNS = {
    "id": Column("code"),
    "displayname": Column("display_name"),
    "externalid": Column("external_id"),
    "members": Column("members__code"),
    "members.value": Column("members__code"),
}

_CORE_PREFIXES = (
    "urn:ietf:params:scim:schemas:core:2.0:user:",
    "urn:ietf:params:scim:schemas:core:2.0:group:",
)


def _invalid(message: str) -> ScimError:
    return ScimError(message, scim_type="invalidFilter")


class _Parser:
    def __init__(self, text: str, columns: dict[str, Column]) -> None:
        self.tokens = [m.group(1) for m in TOKEN.finditer(text)]
        if "".join(self.tokens).replace(" ", "") != re.sub(r"\s+", "", text):
            raise _invalid(_("The filter could not be read."))
        self.pos = 0
        self.columns = columns

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _invalid(_("The filter ends too early."))
        self.pos += 1
        return token

    def parse(self) -> Q:
        query = self.parse_or()
        if self.peek() is not None:
            raise _invalid(_("Unexpected “%(token)s” in the filter.") % {"token": self.peek()})
        return query

    def parse_or(self) -> Q:
        query = self.parse_and()
        while (self.peek() or "").lower() == "or":
            self.take()
            query = query | self.parse_and()
        return query

    def parse_and(self) -> Q:
        query = self.parse_not()
        while (self.peek() or "").lower() == "and":
            self.take()
            query = query & self.parse_not()
        return query

    def parse_not(self) -> Q:
        if (self.peek() or "").lower() == "not":
            self.take()
            return ~self.parse_not()
        return self.parse_atom()

    def parse_atom(self) -> Q:
        token = self.take()
        if token == "(":
            query = self.parse_or()
            if self.take() != ")":
                raise _invalid(_("A parenthesis in the filter is not closed."))
            return query
        if self.peek() == "[":
            # emails[value eq "x"] means emails.value eq "x"
            self.take()
            inner = self.take()
            operator = self.take().lower()
            value = self.take() if operator != "pr" else None
            if self.take() != "]":
                raise _invalid(_("A bracket in the filter is not closed."))
            return self.compare(f"{token}.{inner}", operator, value)
        operator = self.take().lower()
        value = None if operator == "pr" else self.take()
        return self.compare(token, operator, value)

    def column(self, attribute: str) -> Column:
        name = attribute.lower()
        for prefix in _CORE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
        column = self.columns.get(name)
        if column is None:
            raise _invalid(
                _("Filtering on “%(attribute)s” is not supported.") % {"attribute": attribute}
            )
        return column

    def compare(self, attribute: str, operator: str, raw: str | None) -> Q:
        column = self.column(attribute)
        if operator == "pr":
            if column.kind == "boolean":
                return Q(**{f"{column.lookup}__isnull": False})
            return ~Q(**{column.lookup: ""})
        value = _literal(raw or "")
        if column.kind == "boolean":
            if not isinstance(value, bool) or operator not in ("eq", "ne"):
                raise _invalid(
                    _("“%(attribute)s” compares only with eq or ne and true or false.")
                    % {"attribute": attribute}
                )
            query = Q(**{column.lookup: value})
            return query if operator == "eq" else ~query
        if not isinstance(value, str):
            raise _invalid(
                _("“%(attribute)s” compares with a quoted string.") % {"attribute": attribute}
            )
        if column.kind == "email":
            lookups = {
                "eq": ("icontains", f"|{value.lower()}|"),
                "ne": ("icontains", f"|{value.lower()}|"),
                "co": ("icontains", value.lower()),
            }
        else:
            lookups = {
                "eq": ("iexact", value),
                "ne": ("iexact", value),
                "co": ("icontains", value),
                "sw": ("istartswith", value),
                "ew": ("iendswith", value),
            }
        if operator not in lookups:
            raise _invalid(
                _("The operator “%(operator)s” is not supported here.") % {"operator": operator}
            )
        lookup, operand = lookups[operator]
        query = Q(**{f"{column.lookup}__{lookup}": operand})
        return ~query if operator == "ne" else query


def _literal(raw: str) -> object:
    if raw.startswith('"'):
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _invalid(_("A quoted value in the filter is malformed.")) from exc
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    raise _invalid(_("“%(value)s” is not a value: quote strings.") % {"value": raw})


def parse_filter(text: str, columns: dict[str, Column]) -> Q:
    if not text.strip():
        return Q()
    if len(text) > 2000:
        raise _invalid(_("The filter is too long."))
    return _Parser(text, columns).parse()
