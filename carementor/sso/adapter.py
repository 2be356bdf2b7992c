"""allauth, taught about organizations' identity providers.

allauth's apps are built from our ``SsoConnection`` rows on each request (``list_apps``), so
there is nothing to keep in step and the OIDC client secret stays encrypted at rest. Every
sign-in through a connection is checked against its domains, recorded (identity, membership
with the default role, audit) and, when the identity provider asserted several factors, spares
the person our own MFA prompt for this session.
"""

from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base.constants import AuthError
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carementor.accounts.adapter import AccountAdapter as BaseAccountAdapter
from carementor.accounts.mfa import IDP_MFA_SESSION_KEY
from carementor.sso import services
from carementor.sso.assertions import asserted_from
from carementor.sso.models import PROVIDER_ID_PREFIX, SsoConnection

PROVIDERS = {SsoConnection.Protocol.OIDC: "openid_connect", SsoConnection.Protocol.SAML: "saml"}


def social_app(connection: SsoConnection) -> SocialApp:
    """The allauth app for one connection (never saved: our row is the source of truth)."""
    domains = [d.domain for d in connection.domains.all()]
    common: dict[str, Any] = {
        # Addresses in the organization's own domains are vouched for by its identity
        # provider; any other address is not, so it can never take over an existing account.
        "verified_email": domains,
        "email_authentication": True,
    }
    if connection.protocol == SsoConnection.Protocol.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=connection.provider_id,
            name=connection.organization.name,
            client_id=connection.oidc_client_id,
            secret=services.client_secret(connection),
            settings={
                **common,
                "server_url": connection.oidc_issuer,
                "oauth_pkce_enabled": True,
            },
        )
    from carementor.sso.saml import saml_app_settings

    return SocialApp(
        provider="saml",
        provider_id=connection.provider_id,
        name=connection.organization.name,
        # allauth names a SAML app by its "organization slug", the client ID.
        client_id=connection.provider_id,
        settings={**common, **saml_app_settings(connection)},
    )


def callback_url(request: HttpRequest, connection: SsoConnection) -> str:
    """What the identity provider must know: the OIDC redirect URI or the SAML ACS URL."""
    if connection.protocol == SsoConnection.Protocol.OIDC:
        path = reverse("openid_connect_callback", kwargs={"provider_id": connection.provider_id})
    else:
        path = reverse("saml_acs", kwargs={"organization_slug": connection.provider_id})
    return request.build_absolute_uri(path)


def saml_metadata_url(request: HttpRequest, connection: SsoConnection) -> str:
    path = reverse("saml_metadata", kwargs={"organization_slug": connection.provider_id})
    return request.build_absolute_uri(path)


def identity_provider_origin(connection: SsoConnection) -> str:
    """Where the browser is sent to sign in (scheme and host)."""
    if connection.protocol == SsoConnection.Protocol.OIDC:
        url = connection.oidc_issuer
    elif connection.saml_metadata_xml:
        from carementor.sso.saml import idp_from_metadata_xml

        url = idp_from_metadata_xml(connection.saml_metadata_xml, connection.saml_idp_entity_id)[
            "sso_url"
        ]
    else:
        url = connection.saml_metadata_url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _connection(sociallogin: SocialLogin) -> SsoConnection | None:
    return services.connection_for_provider_id(sociallogin.account.provider)


def refusal_page(request: HttpRequest, message: str, status: int = 401) -> Any:
    return render(request, "sso/refused.html", {"message": message}, status=status)


def verification_failed_message() -> str:
    return _(
        "Your identity provider's answer could not be verified: it was meant for another "
        "service, had expired, had been used before, was not signed or had been altered. "
        "You have not been signed in. Try again; if it happens again, tell your IT team."
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        connections = (
            SsoConnection.objects.enabled()
            .select_related("organization")
            .prefetch_related("domains")
            .order_by("id")
        )
        if provider in PROVIDERS.values():
            protocol = next(p for p, name in PROVIDERS.items() if name == provider)
            connections = connections.filter(protocol=protocol)
        elif provider is not None:
            if not provider.startswith(PROVIDER_ID_PREFIX):
                return []
            connections = connections.filter(code=provider.removeprefix(PROVIDER_ID_PREFIX))
        apps = [social_app(c) for c in connections]
        if client_id is not None:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        user = super().populate_user(request, sociallogin, data)
        connection = _connection(sociallogin)
        if connection is None:
            return user
        asserted = asserted_from(connection, sociallogin.account.extra_data)
        user.email = asserted.email
        user.full_name = asserted.name
        domains = {d.domain for d in connection.domains.all()}
        sociallogin.email_addresses = (
            [
                EmailAddress(
                    email=asserted.email,
                    verified=asserted.email.rpartition("@")[2] in domains,
                    primary=True,
                )
            ]
            if asserted.email
            else []
        )
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        connection = _connection(sociallogin)
        if connection is None:
            raise ImmediateHttpResponse(refusal_page(request, _("Unknown identity provider.")))
        asserted = asserted_from(connection, sociallogin.account.extra_data)
        domains = {d.domain for d in connection.domains.all()}
        if not asserted.email or asserted.email.rpartition("@")[2] not in domains:
            reason = "e-mail address outside the connection's domains"
            services.sign_in_refused(connection, reason, request=request)
            raise ImmediateHttpResponse(
                refusal_page(
                    request,
                    _(
                        "Your identity provider did not give an e-mail address in a domain "
                        "of %(organization)s. Ask your IT team to check the attribute mapping."
                    )
                    % {"organization": connection.organization.name},
                )
            )
        request.session[IDP_MFA_SESSION_KEY] = ""
        if sociallogin.user is not None and sociallogin.user.pk:
            self._signed_in(request, sociallogin, connection)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        connection = _connection(sociallogin)
        if connection is not None:
            self._signed_in(request, sociallogin, connection)
        return user

    def _signed_in(
        self, request: HttpRequest, sociallogin: SocialLogin, connection: SsoConnection
    ) -> None:
        asserted = asserted_from(connection, sociallogin.account.extra_data)
        user = sociallogin.user
        services.sign_in_record(connection, user, asserted, request=request)
        if asserted.mfa:
            request.session[IDP_MFA_SESSION_KEY] = str(user.pk)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        app = getattr(provider, "app", None)
        connection = services.connection_for_provider_id(getattr(app, "provider_id", "") or "")
        context = extra_context or {}
        state = context.get("state")
        if context.get("saml_errors"):
            # python3-saml's reasons: unsigned, bad signature, wrong audience, expired…
            reason = "SAML: " + str(context.get("saml_last_error_reason") or context["saml_errors"])
            message = verification_failed_message()
        elif error == AuthError.CANCELLED:
            reason = "cancelled"
            message = _("You cancelled signing in at your identity provider.")
        elif exception is not None:
            reason = f"{type(exception).__name__}: {exception}"
            if exception.__cause__ is not None:
                reason += f" ({exception.__cause__})"
            message = verification_failed_message()
        elif state is None:
            reason = "unknown or reused sign-in state"
            message = _(
                "This sign-in answer was already used or does not belong to this browser. "
                "You have not been signed in. Start again from the sign-in page."
            )
        else:
            reason = str(error or "error")
            message = _("Your identity provider refused the sign-in. You have not been signed in.")
        services.sign_in_refused(connection, reason, request=request)
        raise ImmediateHttpResponse(refusal_page(request, message))


class AccountAdapter(BaseAccountAdapter):
    """The accounts adapter, plus "single sign-on required" and MFA asserted by the IdP."""

    error_messages = {
        **BaseAccountAdapter.error_messages,
        "sso_required": gettext_lazy(
            "%s signs its people in with single sign-on. Use “Sign in with your "
            "organization” below instead of a password."
        ),
    }

    def get_login_stages(self) -> list[str]:
        return [
            "carementor.sso.stages.AuthenticateUnlessAssertedStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        # The domain's rule is public (the sign-in page routes by domain), so it is checked
        # before the password; membership is only revealed after a correct password.
        login = str(credentials.get("email") or "").strip().lower()
        connection = services.required_connection_for(email=login) if login else None
        if connection is not None:
            raise self.validation_error("sso_required", connection.organization.name)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            connection = services.required_connection_for(user=user)
            if connection is not None:
                services.password_refused(connection, user, request=request)
                raise self.validation_error("sso_required", connection.organization.name)
        return user

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        connection = services.required_connection_for(user=user)
        if connection is None:
            super().send_password_reset_mail(user, email, context)
            return
        # No reset link: this person has no password here. Tell them how to sign in instead.
        context = {**context, "organization": connection.organization}
        self.send_mail("sso/email/password_reset_sso", email, context)
