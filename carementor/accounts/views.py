from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from carementor.accounts.mfa import is_privileged
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
        "accounts/dashboard.html",
        {
            "profile": profile,
            "completeness": percent,
            "missing": missing,
            "memberships": memberships,
            "invitations": invitations,
        },
    )


@login_required
def mfa_required(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/mfa_required.html",
        {"privileged": is_privileged(request.user), "has_mfa": request.user.has_mfa()},
    )
