from typing import Any

from django import template

from carementor.certificates.models import Certificate

register = template.Library()


@register.inclusion_tag("certificates/_profile_certificates.html", takes_context=True)
def my_certificates(context: dict[str, Any], limit: int = 5) -> dict[str, Any]:
    """The signed-in person's valid certificates, for their profile page."""
    user = context["request"].user
    found = list(Certificate.objects.valid().filter(holder=user).order_by("-issued_at")[:limit])
    return {"certificates": found}
