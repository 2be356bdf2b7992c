from typing import Any

from django import template

from carementor.mentorships.models import ActionItem, Meeting

register = template.Library()


@register.simple_tag
def mentoring_dashboard(user: Any) -> dict[str, Any]:
    """Overdue action items the person owns and their next meetings: two small queries."""
    if not getattr(user, "is_authenticated", False):
        return {}
    overdue = (
        ActionItem.objects.filter(owner=user)
        .overdue()
        .select_related("mentorship__program")
        .order_by("due_on")[:10]
    )
    upcoming = (
        Meeting.objects.for_party(user)
        .upcoming()
        .select_related("mentorship__program")
        .order_by("starts_at")[:5]
    )
    return {"overdue": list(overdue), "upcoming": list(upcoming)}
