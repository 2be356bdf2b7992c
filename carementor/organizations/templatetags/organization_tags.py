from collections.abc import Iterable

from django import template

from carementor.organizations.forms import role_labels as _role_labels

register = template.Library()


@register.filter
def role_labels(roles: Iterable[str]) -> list[str]:
    """{{ invitation.roles|role_labels|join:", " }}: readable labels, "Member" first."""
    return _role_labels(roles)
