from typing import Any

from django import template

from carementor.credentials.badges import verified_summary

register = template.Library()


@register.inclusion_tag("credentials/badge.html")
def credential_badge(user: Any) -> dict[str, Any]:
    """Usage: {% load credentials_tags %}{% credential_badge profile.user %}"""
    return {"verified": verified_summary(user)}


@register.simple_tag
def is_credential_reviewer(user: Any) -> bool:
    """Usage: {% is_credential_reviewer user as reviews %} — for the navigation (the roles
    are cached per person and replaced with every membership change)."""
    from carementor.organizations.roles import is_reviewer_anywhere

    return is_reviewer_anywhere(user)
