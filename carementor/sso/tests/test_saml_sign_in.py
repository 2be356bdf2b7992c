"""Signing in through an organization's SAML 2.0 identity provider (pysaml2, signing for real)."""

import pytest
from allauth.socialaccount.models import SocialAccount

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.organizations.models import Membership
from carementor.sso.models import SsoConnection, SsoIdentity
from carementor.sso.services import ConnectionSettings, connection_save
from tests.peers.saml import ENTITY_ID, MFA_CONTEXT, SamlIdp, write_key_and_certificate

pytestmark = pytest.mark.django_db

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
EMPLOYEE_NUMBER = "urn:oid:2.16.840.1.113730.3.1.3"


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> SamlIdp:
    return SamlIdp(*write_key_and_certificate(tmp_path_factory.mktemp("saml-idp")))


@pytest.fixture
def saml_connection(hospital, idp: SamlIdp) -> SsoConnection:  # type: ignore[no-untyped-def]
    return connection_save(
        hospital,
        ConnectionSettings(
            protocol="saml",
            saml_idp_entity_id=ENTITY_ID,
            saml_metadata_xml=idp.metadata(),
            attr_name=DISPLAY_NAME,
            attr_email=MAIL,
            attr_employee_number=EMPLOYEE_NUMBER,
            attr_department="",
            domains=("cct.example",),
        ),
        None,
    )


@pytest.fixture
def saml_sign_in(client, idp: SamlIdp):  # type: ignore[no-untyped-def]
    # python3-saml builds its URLs from the Host header, which every browser sends.
    client.defaults["HTTP_HOST"] = "testserver"

    def _sign_in(connection: SsoConnection, **answer):  # type: ignore[no-untyped-def]
        pid = connection.provider_id
        sp_metadata = client.get(f"/accounts/saml/{pid}/metadata/").content.decode()
        start = client.post(f"/accounts/saml/{pid}/login/")
        assert start.status_code == 302, start.content.decode()[:1000]
        post = idp.respond(start["Location"], sp_metadata, **answer)
        to_finish = client.post(post["acs"], post["data"])
        assert to_finish.status_code == 302
        return client.get(to_finish["Location"])

    return _sign_in


def test_it_creates_the_person_then_links_the_next_sign_in(
    client, hospital, saml_connection, saml_sign_in
):
    answer = {
        "email": "lakshmi@cct.example",
        "subject": "lakshmi-7f3a",
        "attributes": {"displayName": ["Lakshmi Pillai"], "employeeNumber": ["E-1042"]},
    }

    response = saml_sign_in(saml_connection, **answer)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="lakshmi@cct.example")
    assert user.full_name == "Lakshmi Pillai"
    assert Membership.objects.get(user=user, organization=hospital).roles == ["member"]
    identity = SsoIdentity.objects.get(user=user)
    assert (identity.subject, identity.employee_number) == ("lakshmi-7f3a", "E-1042")

    client.post("/accounts/logout/")
    again = saml_sign_in(saml_connection, **answer)

    assert again["Location"] == "/dashboard/"
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert User.objects.filter(email="lakshmi@cct.example").count() == 1


@pytest.mark.parametrize(
    "bad",
    [{"signed": False}, {"tamper": True}, {"audience": "https://someone-else.example/sp"}],
    ids=["unsigned", "tampered", "wrong-audience"],
)
def test_it_refuses_a_bad_response_and_audits_it(client, saml_connection, saml_sign_in, bad):
    response = saml_sign_in(
        saml_connection, email="lakshmi@cct.example", subject="lakshmi-7f3a", **bad
    )

    assert response.status_code == 401
    assert "could not be verified" in response.content.decode()
    assert not User.objects.filter(email__endswith="@cct.example").exists()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="sso.sign_in_refused").outcome == "denied"


def test_a_multi_factor_context_spares_a_reviewer_our_mfa(
    client, hospital, saml_connection, saml_sign_in
):
    reviewer = make_user("nisha@cct.example", full_name="Nisha Roy")
    add_member(reviewer, hospital, "reviewer")

    with_mfa = saml_sign_in(
        saml_connection, email="nisha@cct.example", subject="nisha-1", context=MFA_CONTEXT
    )

    assert with_mfa["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200

    client.post("/accounts/logout/")
    without = saml_sign_in(saml_connection, email="nisha@cct.example", subject="nisha-1")

    assert without["Location"] == "/accounts/2fa/authenticate/"


def test_a_malformed_response_is_refused(client, saml_connection):
    client.defaults["HTTP_HOST"] = "testserver"
    pid = saml_connection.provider_id
    client.post(f"/accounts/saml/{pid}/login/")

    to_finish = client.post(f"/accounts/saml/{pid}/acs/", {"SAMLResponse": "bm90IHhtbA=="})
    response = client.get(to_finish["Location"])

    assert response.status_code == 401
    assert "could not be verified" in response.content.decode()
    assert User.objects.count() == 0
    assert AuditEvent.objects.get(action="sso.sign_in_refused").detail["reason"].startswith("SAML")
