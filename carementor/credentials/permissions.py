"""Access gates for credentials. Missing and not-yours are the same 404."""

from typing import TYPE_CHECKING, cast

from django.db import models
from django.http import Http404

from carementor.credentials.models import Credential, CredentialQuerySet, EvidenceFile
from carementor.organizations.models import Membership, Organization

if TYPE_CHECKING:
    from carementor.accounts.models import User


def reviewer_organizations(user: "User") -> "models.QuerySet[Organization]":
    return Organization.objects.filter(
        memberships__user=user, memberships__is_reviewer=True
    ).distinct()


def reviewable_credentials(user: "User") -> CredentialQuerySet:
    """Credentials this person may review: submitted to an organization where they are a
    reviewer, by someone who is still a member there, and not their own."""
    reviewer_of = Membership.objects.filter(user=user, is_reviewer=True).values("organization")
    holder_in = Membership.objects.filter(
        user=models.OuterRef("holder"), organization=models.OuterRef("organization")
    )
    credentials = (
        Credential.objects.filter(organization__in=reviewer_of)
        .filter(models.Exists(holder_in))
        .exclude(holder=user)
    )
    return cast(CredentialQuerySet, credentials)


def get_credential_for(user: "User", code: str, *, write: bool = False) -> Credential:
    """The holder's own credential (for reading and for writing alike)."""
    credential = (
        Credential.objects.filter(code=code, holder=user)
        .select_related("organization", "holder", "decided_by", "second_reviewer")
        .first()
    )
    if credential is None:
        raise Http404
    return credential


def get_review_organization_for(user: "User", code: str) -> Organization:
    organization = reviewer_organizations(user).filter(code=code).first()
    if organization is None:
        raise Http404
    return organization


def get_review_policy_organization_for(user: "User", code: str) -> Organization:
    """The review policy (four eyes) is an organization setting: its admins change it, on the
    page and in the API alike, whether or not they review themselves."""
    organization = Organization.objects.filter(
        code=code, memberships__user=user, memberships__is_admin=True
    ).first()
    if organization is None:
        raise Http404
    return organization


def get_review_credential_for(user: "User", code: str) -> Credential:
    credential = (
        reviewable_credentials(user)
        .filter(code=code)
        .select_related("organization", "holder", "reviewer", "decided_by", "pending_by")
        .first()
    )
    if credential is None:
        raise Http404
    return credential


def get_evidence_for(user: "User", credential_code: str, evidence_code: str) -> EvidenceFile:
    """The holder sees their own files; a reviewer sees files that passed the virus scan."""
    evidence = (
        EvidenceFile.objects.filter(code=evidence_code, credential__code=credential_code)
        .select_related("credential", "credential__organization")
        .first()
    )
    if evidence is None or evidence.scan_status == EvidenceFile.Scan.INFECTED:
        raise Http404
    if evidence.credential.holder_id == user.pk:
        return evidence
    if (
        evidence.is_visible_to_reviewers()
        and reviewable_credentials(user).filter(pk=evidence.credential_id).exists()
    ):
        return evidence
    raise Http404


def is_org_admin(user: "User", organization: Organization) -> bool:
    return Membership.objects.filter(user=user, organization=organization, is_admin=True).exists()


def submittable_organizations(user: "User") -> "models.QuerySet[Organization]":
    return Organization.objects.filter(memberships__user=user).distinct()


def review_queue(
    user: "User",
    organization: Organization,
    *,
    status: str = "waiting",
    scheme: str = "",
    q: str = "",
    older_than: int | None = None,
) -> "models.QuerySet[Credential]":
    """The reviewer queue of one organization, oldest first, with the filters applied."""
    from datetime import timedelta

    from django.utils import timezone

    credentials = reviewable_credentials(user).filter(organization=organization)
    if status in ("", "waiting"):
        credentials = credentials.awaiting_review()
    elif status != "all":
        credentials = credentials.filter(status=status)
    if scheme:
        credentials = credentials.filter(scheme=scheme)
    if q:
        credentials = credentials.filter(
            models.Q(holder__full_name__icontains=q) | models.Q(holder__email__icontains=q)
        )
    if older_than:
        credentials = credentials.filter(
            submitted_at__lte=timezone.now() - timedelta(days=older_than)
        )
    return (
        credentials.select_related("holder", "reviewer", "pending_by")
        .annotate(
            evidence_count=models.Count(
                "evidence",
                filter=models.Q(evidence__scan_status__in=EvidenceFile.VISIBLE_TO_REVIEWERS),
            )
        )
        .order_by("submitted_at", "id")
    )
