from typing import Any

from django import template

from carementor.credentials.badges import verified_summary

register = template.Library()


@register.inclusion_tag("credentials/badge.html")
def credential_badge(user: Any) -> dict[str, Any]:
    """Usage: {% load credentials_tags %}{% credential_badge profile.user %}"""
    return {"verified": verified_summary(user)}
