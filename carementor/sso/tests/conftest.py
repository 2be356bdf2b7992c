"""A real OpenID Connect provider (tests/peers) and a hospital connected to it."""

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from carementor.sso.models import SsoConnection
from carementor.sso.services import ConnectionSettings, connection_save
from tests.peers.oidc import OidcPeer, oidc_peer  # noqa: F401

PEER_PASSWORD = "peer-password"
DOMAIN = "cct.example"


@pytest.fixture
def oidc_connection(hospital, oidc_peer: OidcPeer) -> SsoConnection:  # type: ignore[no-untyped-def]  # noqa: F811
    client_id = "carementor-" + secrets.token_hex(4)
    secret = secrets.token_urlsafe(24)
    connection = connection_save(
        hospital,
        ConnectionSettings(
            protocol="oidc",
            oidc_issuer=oidc_peer.issuer,
            oidc_client_id=client_id,
            oidc_client_secret=secret,
            attr_name="name",
            attr_email="email",
            attr_employee_number="employee_number",
            attr_department="department",
            domains=(DOMAIN,),
        ),
        None,
    )
    oidc_peer.register_client(
        client_id,
        secret,
        f"http://testserver/accounts/oidc/{connection.provider_id}/login/callback/",
    )
    return connection


@pytest.fixture
def idp_person(oidc_peer: OidcPeer) -> Callable[..., str]:  # noqa: F811
    """Create a person at the identity provider; returns their user name there."""

    def _person(email: str, mode: str = "", **claims: Any) -> str:
        username = f"{email.partition('@')[0]}-{secrets.token_hex(3)}"
        oidc_peer.add_person(
            username,
            PEER_PASSWORD,
            {"email": email, "email_verified": True, **claims},
            mode=mode,
        )
        return username

    return _person


@pytest.fixture
def oidc_sign_in(client, oidc_peer: OidcPeer):  # type: ignore[no-untyped-def]  # noqa: F811
    """Start at our sign-in button, sign in at the provider, and come back to the callback."""

    def _sign_in(connection: SsoConnection, username: str) -> Any:
        response = client.post(f"/accounts/oidc/{connection.provider_id}/login/")
        assert response.status_code == 302, response.content.decode()[:1000]
        back = oidc_peer.authorize(response["Location"], username, PEER_PASSWORD)
        assert back.startswith("http://testserver/"), back
        return client.get(back.removeprefix("http://testserver"))

    return _sign_in
