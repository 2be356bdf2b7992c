from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from carementor.accounts.forms import AccountSettingsForm, TokenCreateForm
from carementor.accounts.mfa import is_privileged
from carementor.accounts.models import PersonalAccessToken
from carementor.accounts.permissions import get_token_for
from carementor.accounts.services import account_update, token_create, token_revoke
from carementor.accounts.throttle import unlock_for_browser, unlock_user
from carementor.lib.api_errors import ApiError
from carementor.lib.http import AuthedRequest

TOKENS_PER_PAGE = 20


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
    initial = {
        "full_name": user.full_name,
        "preferred_name": user.preferred_name,
        "timezone": user.timezone,
        "language": user.language,
    }
    form = AccountSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            language = form.cleaned_data["language"]
            account_update(
                user,
                full_name=form.cleaned_data["full_name"],
                preferred_name=form.cleaned_data["preferred_name"],
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


@never_cache
def login_unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed when sign-in to an account is paused. Opening it shows a button (mail
    scanners follow links, they do not press buttons); pressing it lets this browser sign in
    to that account past the lock."""
    user = unlock_user(token)
    if user is None:
        return render(request, "accounts/unlock.html", {"valid": False}, status=404)
    if request.method == "POST":
        unlock_for_browser(request, user)
        messages.success(request, _("You can sign in now."))
        return redirect("account_login")
    return render(request, "accounts/unlock.html", {"valid": True})
