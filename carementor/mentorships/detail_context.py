"""What a party sees on the mentorship page, gathered in one place."""

from typing import Any

from carementor.mentorships.models import ExtensionRequest, Mentorship
from carementor.mentorships.services import agreement_in_force, current_agreement


def party_context(mentorship: Mentorship, user: Any) -> dict[str, Any]:
    agreement = current_agreement(mentorship)
    return {
        "agreement": agreement,
        "agreement_in_force": agreement_in_force(mentorship),
        "has_signed": agreement is not None and user.pk in agreement.signer_ids(),
        "pending_extension": mentorship.extension_requests.filter(
            status=ExtensionRequest.Status.PENDING
        ).first(),
    }
