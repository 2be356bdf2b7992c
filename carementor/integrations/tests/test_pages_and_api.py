"""The integrations page and its API: admins only, tokens shown once, groups mapped to roles."""

from carementor.audit.models import AuditEvent
from carementor.integrations.models import ScimGroup, ScimToken
from carementor.integrations.services import GroupData, scim_group_create, scim_user_create
from carementor.integrations.tests.conftest import user_body
from carementor.organizations.models import Membership


def _provision(hospital, *emails):  # type: ignore[no-untyped-def]
    from carementor.integrations.scim_resources import parse_user

    return [scim_user_create(hospital, parse_user(user_body(email))) for email in emails]


def test_an_admin_creates_a_token_that_is_shown_once(login, org_admin, hospital):
    client = login(org_admin)
    page = client.get(f"/organizations/{hospital.code}/integrations/")
    assert page.status_code == 200
    assert b"http://testserver/scim/v2/" in page.content

    created = client.post(
        f"/organizations/{hospital.code}/integrations/scim/tokens/", {"name": "Entra ID"}
    )

    assert created.status_code == 201
    token = ScimToken.objects.get(organization=hospital)
    raw = created.context["new_token_raw"]
    assert raw.startswith("scim_") and raw.encode() in created.content
    assert token.token_hash != raw and raw not in token.token_hash
    again = client.get(f"/organizations/{hospital.code}/integrations/")
    assert raw.encode() not in again.content
    assert AuditEvent.objects.filter(action="scim.token_created", actor=org_admin).exists()

    revoked = client.post(
        f"/organizations/{hospital.code}/integrations/scim/tokens/{token.code}/revoke/"
    )
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_blank_token_name_is_refused(login, org_admin, hospital):
    response = login(org_admin).post(
        f"/organizations/{hospital.code}/integrations/scim/tokens/", {"name": ""}
    )
    assert response.status_code == 422
    assert not ScimToken.objects.exists()


def test_only_admins_of_the_organization_get_in(login, coordinator, outsider, hospital):
    from carementor.integrations.services import scim_token_create

    token, _raw = scim_token_create(hospital, "Entra ID", actor_label="test")
    assert (
        login(coordinator).get(f"/organizations/{hospital.code}/integrations/").status_code == 403
    )
    client = login(outsider)
    assert client.get(f"/organizations/{hospital.code}/integrations/").status_code == 404
    revoke = f"/organizations/{hospital.code}/integrations/scim/tokens/{token.code}/revoke/"
    assert client.post(revoke).status_code == 404
    assert client.get(f"/api/v1/integrations/{hospital.code}/scim/tokens").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_mapping_a_group_to_a_role_gives_its_members_the_role(login, org_admin, hospital):
    kavya, ravi = _provision(hospital, "kavya@cmc.example", "ravi@cmc.example")
    group = scim_group_create(
        hospital, GroupData(display_name="CMC Mentors", member_codes=[kavya.code])
    )
    client = login(org_admin)

    response = client.post(
        f"/organizations/{hospital.code}/integrations/scim/groups/{group.code}/role/",
        {"role": "mentor"},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=kavya.user, organization=hospital).is_mentor
    assert not Membership.objects.get(user=ravi.user, organization=hospital).is_mentor
    assert AuditEvent.objects.filter(action="membership.roles_changed").count() == 1


def test_the_api_creates_lists_and_revokes_tokens(login, org_admin, hospital):
    client = login(org_admin)
    created = client.post(
        f"/api/v1/integrations/{hospital.code}/scim/tokens",
        {"name": "Okta"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("scim_") and body["scim_base_url"].endswith("/scim/v2/")
    listed = client.get(f"/api/v1/integrations/{hospital.code}/scim/tokens").json()
    assert [t["code"] for t in listed["items"]] == [body["code"]]
    assert "token" not in listed["items"][0]
    revoked = client.post(f"/api/v1/integrations/{hospital.code}/scim/tokens/{body['code']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


def test_the_api_lists_people_and_groups_and_maps_roles(login, org_admin, hospital):
    (kavya,) = _provision(hospital, "kavya@cmc.example")
    group = scim_group_create(
        hospital, GroupData(display_name="Reviewers", member_codes=[kavya.code])
    )
    client = login(org_admin)
    people = client.get(f"/api/v1/integrations/{hospital.code}/scim/people").json()
    assert people["items"][0]["user_name"] == "kavya@cmc.example"
    assert people["items"][0]["groups"] == [group.code]
    mapped = client.put(
        f"/api/v1/integrations/{hospital.code}/scim/groups/{group.code}/role",
        {"role": "reviewer"},
        content_type="application/json",
    )
    assert mapped.status_code == 200 and mapped.json()["role"] == "reviewer"
    assert Membership.objects.get(user=kavya.user, organization=hospital).is_reviewer
    groups = client.get(f"/api/v1/integrations/{hospital.code}/scim/groups").json()
    assert groups["items"][0]["member_count"] == 1
    refused = client.put(
        f"/api/v1/integrations/{hospital.code}/scim/groups/{group.code}/role",
        {"role": "member"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert ScimGroup.objects.get().role == "reviewer"


def test_the_page_and_api_lists_run_flat_queries(login, org_admin, hospital):
    from carementor.lib.testing import assert_flat_queries

    client = login(org_admin)
    counter = iter(range(1000))

    def add_rows(k: int) -> None:
        for _ in range(k):
            n = next(counter)
            (person,) = _provision(hospital, f"q{n}@cmc.example")
            scim_group_create(hospital, GroupData(display_name=f"G{n}", member_codes=[person.code]))

    assert_flat_queries(
        lambda: client.get(f"/organizations/{hospital.code}/integrations/"), add_rows
    )
    assert_flat_queries(
        lambda: client.get(f"/api/v1/integrations/{hospital.code}/scim/people"), add_rows
    )
    assert_flat_queries(
        lambda: client.get(f"/api/v1/integrations/{hospital.code}/scim/groups"), add_rows
    )


def test_the_scim_token_command_prints_a_working_token(hospital, client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("scim_token", hospital.code, "--name", "Keycloak", stdout=out)
    raw = out.getvalue().strip()
    response = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert ScimToken.objects.get().name == "Keycloak"


def test_the_scim_token_command_refuses_an_unknown_organization(db):
    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No organization"):
        call_command("scim_token", "nope")
    assert not ScimToken.objects.exists()
