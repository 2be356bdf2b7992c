"""What a party sees on the mentorship page, gathered in one place."""

from typing import Any

from carementor.mentorships.conversation import unread_count
from carementor.mentorships.models import (
    ActionItem,
    ExtensionRequest,
    Goal,
    Meeting,
    MeetingStatus,
    Mentorship,
)
from carementor.mentorships.services import agreement_in_force, current_agreement


def party_context(mentorship: Mentorship, user: Any) -> dict[str, Any]:
    agreement = current_agreement(mentorship)
    meetings = Meeting.objects.filter(mentorship=mentorship)
    return {
        "agreement": agreement,
        "agreement_in_force": agreement_in_force(mentorship),
        "has_signed": agreement is not None and user.pk in agreement.signer_ids(),
        "pending_extension": mentorship.extension_requests.filter(
            status=ExtensionRequest.Status.PENDING
        ).first(),
        "upcoming_meetings": meetings.upcoming().order_by("starts_at")[:5],
        "past_meetings": meetings.exclude(
            status=MeetingStatus.SCHEDULED, starts_at__gte=_now()
        ).order_by("-starts_at")[:5],
        "open_items": ActionItem.objects.filter(mentorship=mentorship)
        .open()
        .select_related("owner")[:10],
        "unread_messages": unread_count(user, mentorship),
        "goals": Goal.objects.filter(mentorship=mentorship)[:10],
    }


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()
