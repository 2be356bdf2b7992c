"""Role definitions in templates: ``{{ mentorship.role|role_help }}`` and
``{{ party|party_title:mentorship.role }}``."""

from typing import Any

from django import template

from carementor.profiles.roles import limit_for, role_definition
from carementor.profiles.roles import party_title as _party_title

register = template.Library()


@register.filter
def role_help(value: str) -> str:
    """The definition of a mentoring role, for a title attribute or a hint."""
    return str(role_definition(value).definition)


@register.filter
def party_title(party: Any, relationship_role: str) -> str:
    """What this side of the relationship is called (a sponsor's mentee is a protégé)."""
    return _party_title(relationship_role, getattr(party, "role", party))


@register.filter
def role_label(value: str) -> str:
    return role_definition(value).label


@register.filter
def role_limit(program: Any, role: str) -> int:
    """How many open relationships of ``role`` one mentee may hold at once in ``program``."""
    return limit_for(program, role)
