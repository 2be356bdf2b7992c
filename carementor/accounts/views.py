from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carementor.accounts.forms import AccountSettingsForm, TokenCreateForm
from carementor.accounts.mfa import is_privileged
from carementor.accounts.models import PersonalAccessToken
from carementor.accounts.permissions import get_token_for
from carementor.accounts.services import account_update, token_create, token_revoke
from carementor.lib.api_errors import ApiError
from carementor.lib.http import AuthedRequest
from carementor.organizations.models import Invitation, Membership
from carementor.profiles.services import profile_for

TOKENS_PER_PAGE = 20


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
            **_to_do(user),
            "profile": profile,
            "completeness": percent,
            "missing": missing,
            "memberships": memberships,
            "invitations": invitations,
            "has_mfa": user.has_mfa(),
        },
    )


def _to_do(user: Any) -> dict[str, Any]:
    """What waits for the person outside their mentorships: surveys to answer and their
    certificates (one query each)."""
    from carementor.certificates.models import Certificate
    from carementor.evaluations.models import SurveyAssignment

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


@login_required
def mfa_required(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/mfa_required.html",
        {"privileged": is_privileged(request.user), "has_mfa": request.user.has_mfa()},
    )


@never_cache
@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    """List the person's API tokens and create one; a new token's value is shown only here."""
    form = TokenCreateForm(request.POST or None)
    created: PersonalAccessToken | None = None
    raw = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, raw = token_create(
                    request.user, form.cleaned_data["name"], form.expires_at(), request=request
                )
            except ApiError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                form = TokenCreateForm()
        else:
            status = 422
    page = Paginator(PersonalAccessToken.objects.filter(user=request.user), TOKENS_PER_PAGE)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "raw": raw,
            "page": page.get_page(request.GET.get("page")),
        },
        status=status,
    )


@require_POST
@login_required
def token_revoke_view(request: AuthedRequest, code: str) -> HttpResponse:
    token = get_token_for(request.user, code, write=True)
    token_revoke(token, request.user, request=request)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("tokens")


@login_required
def account_settings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "timezone": user.timezone, "language": user.language}
    form = AccountSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            language = form.cleaned_data["language"]
            account_update(
                user,
                full_name=form.cleaned_data["full_name"],
                timezone_name=form.cleaned_data["timezone"],
                language=language,
                request=request,
            )
            # Apply the new language at once, overriding an earlier switcher choice.
            translation.activate(language or settings.LANGUAGE_CODE)
            messages.success(request, _("Your account settings are saved."))
            response = redirect("account_settings")
            if language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                )
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
        return render(request, "accounts/account_settings.html", {"form": form}, status=422)
    return render(request, "accounts/account_settings.html", {"form": form})
