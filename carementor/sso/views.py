"""Single sign-on pages: an organization's set-up, and "Sign in with your organization"."""

from typing import Any

from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carementor.lib.http import AuthedRequest
from carementor.sso import services
from carementor.sso.adapter import (
    callback_url,
    identity_provider_origin,
    refusal_page,
    saml_metadata_url,
    social_app,
    verification_failed_message,
)
from carementor.sso.forms import SsoConnectionForm, SsoStartForm, initial_for
from carementor.sso.models import SsoConnection
from carementor.sso.permissions import get_sso_access_for
from carementor.sso.services import SsoError


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_sso_access_for(request.user, code)
    connection = SsoConnection.objects.filter(organization=access.organization).first()
    status = 200
    if request.method == "POST":
        form = SsoConnectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.connection_save(
                    access.organization, form.settings(connection), request.user, request=request
                )
            except SsoError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Single sign-on settings saved."))
                return redirect("sso:settings", access.organization.code)
        else:
            status = 422
    else:
        form = SsoConnectionForm(initial=initial_for(connection) if connection else None)
    context: dict[str, Any] = {
        "organization": access.organization,
        "access": access,
        "connection": connection,
        "form": form,
    }
    if connection is not None:
        context["redirect_uri"] = callback_url(request, connection)
        context["saml_metadata_url"] = saml_metadata_url(request, connection)
        context["identity_count"] = connection.identities.count()
    return render(request, "sso/settings.html", context, status=status)


@login_required
@require_POST
def delete(request: AuthedRequest, code: str) -> HttpResponse:
    access = get_sso_access_for(request.user, code)
    connection = SsoConnection.objects.filter(organization=access.organization).first()
    if connection is None:
        raise Http404
    services.connection_delete(connection, request.user, request=request)
    messages.success(request, _("Single sign-on removed."))
    return redirect("sso:settings", access.organization.code)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Ask for the work e-mail address, then offer "Sign in with <organization>"."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = SsoStartForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    connection = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            connection = services.connection_for_email(form.cleaned_data["email"])
            if connection is None:
                form.add_error(
                    "email",
                    _(
                        "No organization signs in this domain with single sign-on. "
                        "Sign in with your password instead."
                    ),
                )
                status = 404
        else:
            status = 422
    context: dict[str, Any] = {"form": form, "connection": connection, "next": next_url}
    if connection is None:
        return render(request, "sso/start.html", context, status=status)
    context["login_path"] = social_app(connection).get_provider(request).get_login_url(request)
    response = render(request, "sso/start.html", context, status=status)
    # The button posts to us and we redirect to the identity provider: browsers hold that
    # redirect to this page's form-action, so the provider's origin is allowed here only.
    response._csp_update = {"form-action": [identity_provider_origin(connection)]}  # type: ignore[attr-defined]
    return response


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect callback, verifying the ID token's signature even though it
    came straight from the token endpoint: allauth trusts TLS there, we also want altered
    tokens refused (and a misconfigured proxy caught)."""
    connection = services.connection_for_provider_id(provider_id)
    if connection is None or not connection.is_enabled:
        raise Http404
    view = OAuth2CallbackView.adapter_view(_VerifyingOIDCAdapter(request, provider_id))
    response: HttpResponse = view(request)
    return response


class _VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: Any, id_token: str) -> dict[str, Any]:
        self.did_fetch_access_token = False  # makes allauth check the signature too
        try:
            return super()._decode_id_token(app, id_token)
        finally:
            self.did_fetch_access_token = True


def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's SAML response handler, refusing a response that is not XML at all (which
    python3-saml raises on instead of reporting) like any other bad response."""
    from allauth.socialaccount.providers.saml import views as saml_views
    from lxml.etree import XMLSyntaxError

    try:
        response: HttpResponse = saml_views.finish_acs(request, organization_slug=organization_slug)
    except XMLSyntaxError as exc:
        connection = services.connection_for_provider_id(organization_slug)
        services.sign_in_refused(connection, f"SAML: malformed response ({exc})", request=request)
        return refusal_page(request, verification_failed_message())
    return response
