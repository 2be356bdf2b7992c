"""What other members may see about someone's credentials: verified, by whom, when — no number."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from carementor.credentials.models import Credential


@dataclass(frozen=True)
class VerifiedCredential:
    label: str
    title: str
    issuing_body: str
    jurisdiction: str
    verified_by: str
    verified_by_organization: str
    verified_at: datetime | None
    expires_on: date | None


def verified_summary(user: Any) -> list[VerifiedCredential]:
    """The person's currently valid credentials, safe to show to any member."""
    credentials = (
        Credential.objects.valid()
        .filter(holder=user)
        .select_related("decided_by", "organization")
        .order_by("scheme", "-decided_at")
    )
    return [
        VerifiedCredential(
            label=credential.scheme_label,
            title=credential.title,
            issuing_body=credential.issuing_body,
            jurisdiction=credential.jurisdiction,
            verified_by=credential.decided_by.get_full_name() if credential.decided_by else "",
            verified_by_organization=credential.organization.name,
            verified_at=credential.decided_at,
            expires_on=credential.expires_on,
        )
        for credential in credentials
    ]
