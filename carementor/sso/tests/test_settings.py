"""An organization admin sets up single sign-on on the page and through the API."""

import json

import pytest

from carementor.audit.models import AuditEvent
from carementor.integrations import secrets_box
from carementor.sso.models import SsoConnection
from carementor.sso.services import ConnectionSettings, connection_save

pytestmark = pytest.mark.django_db

OIDC_FORM = {
    "protocol": "oidc",
    "is_enabled": "on",
    "domains": "cct.example\nCCTH.example",
    "oidc_issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
    "oidc_client_id": "app-123",
    "oidc_client_secret": "s3cret-value",
    "attr_name": "name",
    "attr_email": "email",
    "attr_employee_number": "employee_id",
    "attr_department": "department",
    "default_role": "mentor",
}


def test_an_admin_sets_up_oidc_on_the_page(login, org_admin, hospital):
    client = login(org_admin)

    response = client.post(f"/organizations/{hospital.code}/sso/", OIDC_FORM)

    assert response.status_code == 302
    connection = SsoConnection.objects.get(organization=hospital)
    assert connection.oidc_client_id == "app-123"
    assert "s3cret-value" not in connection.oidc_client_secret_encrypted
    assert secrets_box.decrypt(connection.oidc_client_secret_encrypted) == "s3cret-value"
    assert sorted(d.domain for d in connection.domains.all()) == ["cct.example", "ccth.example"]
    assert connection.default_role == "mentor"
    event = AuditEvent.objects.get(action="sso.connection_created")
    assert "s3cret" not in json.dumps(event.detail)

    page = client.get(f"/organizations/{hospital.code}/sso/").content.decode()
    assert f"/accounts/oidc/sso-{connection.code}/login/callback/" in page
    assert "s3cret-value" not in page
    assert "Stored (encrypted)" in page


def test_an_empty_secret_keeps_the_stored_one(login, org_admin, hospital):
    client = login(org_admin)
    client.post(f"/organizations/{hospital.code}/sso/", OIDC_FORM)

    client.post(
        f"/organizations/{hospital.code}/sso/",
        {**OIDC_FORM, "oidc_client_secret": "", "sso_required": "on"},
    )

    connection = SsoConnection.objects.get(organization=hospital)
    assert connection.sso_required
    assert secrets_box.decrypt(connection.oidc_client_secret_encrypted) == "s3cret-value"


def test_the_page_explains_what_is_missing(login, org_admin, hospital):
    client = login(org_admin)

    response = client.post(
        f"/organizations/{hospital.code}/sso/", {**OIDC_FORM, "oidc_client_secret": ""}
    )

    assert response.status_code == 422
    assert "OpenID Connect needs the client secret." in response.content.decode()
    assert not SsoConnection.objects.exists()


def test_a_domain_routes_to_one_organization_only(login, org_admin, hospital, trust):
    connection_save(
        trust,
        ConnectionSettings(
            protocol="oidc",
            oidc_issuer="https://idp.example",
            oidc_client_id="x",
            oidc_client_secret="y",
            domains=("cct.example",),
        ),
        None,
    )
    client = login(org_admin)

    response = client.post(f"/organizations/{hospital.code}/sso/", OIDC_FORM)

    assert response.status_code == 409
    assert "already sign in through another organization" in response.content.decode()


def test_only_admins_reach_the_page(login, coordinator, outsider, hospital):
    assert login(coordinator).get(f"/organizations/{hospital.code}/sso/").status_code == 403
    assert login(outsider).get(f"/organizations/{hospital.code}/sso/").status_code == 404


def test_the_api_sets_reads_and_removes_single_sign_on(login, org_admin, hospital):
    client = login(org_admin)
    body = {
        "protocol": "oidc",
        "domains": ["cct.example"],
        "oidc_issuer": "https://keycloak.cct.example/realms/staff",
        "oidc_client_id": "carementor",
        "oidc_client_secret": "kc-secret",
        "attr_employee_number": "employee_number",
        "default_role": "member",
        "sso_required": True,
    }

    put = client.put(
        f"/api/v1/organizations/{hospital.code}/sso", json.dumps(body), "application/json"
    )

    assert put.status_code == 200, put.content
    data = put.json()
    assert data["has_client_secret"] is True
    assert "oidc_client_secret" not in data
    assert data["sso_required"] is True
    assert data["redirect_uri"].endswith(f"/accounts/oidc/sso-{data['code']}/login/callback/")
    assert client.get(f"/api/v1/organizations/{hospital.code}/sso").json() == data

    assert client.delete(f"/api/v1/organizations/{hospital.code}/sso").status_code == 204
    assert client.get(f"/api/v1/organizations/{hospital.code}/sso").status_code == 404
    assert AuditEvent.objects.filter(action="sso.connection_deleted").count() == 1


def test_the_api_refuses_bad_settings_with_the_usual_errors(login, org_admin, outsider, hospital):
    client = login(org_admin)
    url = f"/api/v1/organizations/{hospital.code}/sso"

    bad_url = client.put(
        url, json.dumps({"protocol": "oidc", "oidc_issuer": "not a url"}), "application/json"
    )
    missing = client.put(
        url,
        json.dumps({"protocol": "saml", "saml_idp_entity_id": "https://idp"}),
        "application/json",
    )
    stranger = login(outsider).get(url)

    assert bad_url.status_code == 422
    assert missing.status_code == 422
    assert missing.json()["detail"] == "SAML needs the metadata URL or the metadata XML file."
    assert stranger.status_code == 404
    assert not SsoConnection.objects.exists()


def test_the_start_page_routes_by_domain(client, hospital):
    connection_save(
        hospital,
        ConnectionSettings(
            protocol="oidc",
            oidc_issuer="https://idp.example",
            oidc_client_id="x",
            oidc_client_secret="y",
            domains=("cct.example",),
        ),
        None,
    )

    login_page = client.get("/accounts/login/").content.decode()
    found = client.post("/sso/start/", {"email": "Lakshmi@CCT.example"})
    unknown = client.post("/sso/start/", {"email": "lakshmi@gmail.example"})

    assert 'action="/sso/start/"' in login_page
    assert hospital.name not in login_page
    assert found.status_code == 200
    assert f"Sign in with {hospital.name}" in found.content.decode().replace("&#x27;", "'")
    assert f'action="/accounts/oidc/sso-{hospital.sso_connection.code}/login/"' in (
        found.content.decode()
    )
    assert "form-action 'self' https://idp.example" in found["Content-Security-Policy"]
    assert unknown.status_code == 404
    assert "No organization signs in this domain" in unknown.content.decode()
    assert "https://idp.example" not in unknown["Content-Security-Policy"]


def test_an_admin_sets_up_saml_with_a_metadata_file(login, org_admin, hospital, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.peers.saml import ENTITY_ID, SamlIdp, write_key_and_certificate

    metadata = SamlIdp(*write_key_and_certificate(tmp_path)).metadata()
    client = login(org_admin)

    response = client.post(
        f"/organizations/{hospital.code}/sso/",
        {
            "protocol": "saml",
            "is_enabled": "on",
            "domains": "cct.example",
            "saml_idp_entity_id": ENTITY_ID,
            "saml_metadata_file": SimpleUploadedFile("idp.xml", metadata.encode(), "text/xml"),
            "attr_name": "urn:oid:2.16.840.1.113730.3.1.241",
            "attr_email": "urn:oid:0.9.2342.19200300.100.1.3",
            "default_role": "member",
        },
    )

    assert response.status_code == 302
    connection = SsoConnection.objects.get(organization=hospital)
    assert connection.saml_metadata_xml == metadata
    page = client.get(f"/organizations/{hospital.code}/sso/").content.decode()
    assert f"/accounts/saml/sso-{connection.code}/acs/" in page
    sp_metadata = client.get(f"/accounts/saml/sso-{connection.code}/metadata/")
    assert sp_metadata.status_code == 200
    assert b"AssertionConsumerService" in sp_metadata.content


def test_a_file_that_is_not_metadata_is_refused(login, org_admin, hospital):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(org_admin).post(
        f"/organizations/{hospital.code}/sso/",
        {
            "protocol": "saml",
            "domains": "cct.example",
            "saml_idp_entity_id": "https://idp",
            "saml_metadata_file": SimpleUploadedFile("idp.xml", b"<html></html>", "text/xml"),
            "attr_name": "name",
            "attr_email": "email",
            "default_role": "member",
        },
    )

    assert response.status_code == 422
    assert "This is not SAML metadata" in response.content.decode()
    assert not SsoConnection.objects.exists()


def test_the_demo_hospital_signs_in_through_the_test_provider(db):
    from carementor.demo.logins import HOSPITAL
    from carementor.demo.sso import CONNECTION_CODE, seed_sso
    from carementor.lib.testing import make_organization

    hospital = make_organization("Indus Institute of Medical Sciences", slug=HOSPITAL)

    assert seed_sso(organizations={HOSPITAL: hospital}) is True
    assert seed_sso(organizations={HOSPITAL: hospital}) is False

    connection = SsoConnection.objects.get(organization=hospital)
    assert connection.code == CONNECTION_CODE
    assert connection.oidc_issuer == "http://127.0.0.1:18200/o"
    assert secrets_box.decrypt(connection.oidc_client_secret_encrypted)
    assert not connection.sso_required
