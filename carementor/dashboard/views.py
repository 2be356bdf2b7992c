"""The dashboard: what waits for the person across every app. It sits at the top of the
app stack (it may import any app; no app imports it)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from carementor.accounts.mfa import has_mfa
from carementor.accounts.models import User
from carementor.certificates.models import Certificate
from carementor.evaluations.models import SurveyAssignment
from carementor.lib.http import AuthedRequest
from carementor.organizations.models import Invitation, Membership
from carementor.profiles.services import profile_for


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    profile = profile_for(user)
    percent, missing = profile.completeness()
    memberships = Membership.objects.filter(user=user).select_related("organization")
    invitations = (
        Invitation.objects.pending()
        .filter(email__iexact=user.email)
        .select_related("organization", "invited_by")
    )
    return render(
        request,
        "dashboard/dashboard.html",
        {
            **_to_do(user),
            "profile": profile,
            "completeness": percent,
            "missing": missing,
            "memberships": memberships,
            "invitations": invitations,
            "has_mfa": has_mfa(user),
        },
    )


def _to_do(user: User) -> dict[str, Any]:
    """What waits for the person outside their mentorships: surveys to answer and their
    certificates (one query each)."""
    now = timezone.now()
    surveys = list(
        SurveyAssignment.objects.open()
        .for_user(user)
        .filter(opens_at__lte=now, due_at__gt=now, has_responded__isnull=True)
        .select_related("instrument", "program")
        .order_by("due_at")[:5]
    )
    certificates = Certificate.objects.valid().filter(holder=user).count()
    return {"surveys_waiting": surveys, "certificate_count": certificates}
