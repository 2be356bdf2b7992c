from carementor.accounts.models import PersonalAccessToken, User
from carementor.audit.models import AuditEvent
from carementor.integrations.models import ScimUser
from carementor.integrations.tests.conftest import ENTERPRISE, PATCH, user_body
from carementor.organizations.models import Membership


def test_it_refuses_requests_without_a_valid_token(client, hospital):
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "401"
    bad = client.get("/scim/v2/Users", headers={"Authorization": "Bearer scim_nope"})
    assert bad.status_code == 401


def test_it_creates_a_person_with_account_and_membership(scim, hospital):
    response = scim.post("Users", user_body("kavya@cmc.example"))
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["userName"] == "kavya@cmc.example"
    assert body["name"] == {"familyName": "Menon", "givenName": "Kavya"}
    assert body[ENTERPRISE] == {"employeeNumber": "E-1042", "department": "Paediatrics"}
    assert body["meta"]["version"] == 'W/"1"'
    assert response["ETag"] == 'W/"1"'
    assert response["Location"] == f"http://testserver/scim/v2/Users/{body['id']}"
    user = User.objects.get(email="kavya@cmc.example")
    assert user.full_name == "Kavya Menon"
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organization=hospital).exists()
    event = AuditEvent.objects.get(action="scim.user_created")
    assert event.organization == hospital
    assert event.actor is None and event.actor_label.startswith("SCIM token ")
    assert event.subject == user


def test_it_refuses_a_duplicate_user_name(scim):
    assert scim.post("Users", user_body("kavya@cmc.example")).status_code == 201
    again = scim.post("Users", user_body("KAVYA@cmc.example", externalId="other"))
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"


def test_it_does_not_adopt_an_account_of_a_non_member(scim, outsider):
    response = scim.post("Users", user_body("tom@example.org"))
    assert response.status_code == 409
    assert "Invite the person" in response.json()["detail"]
    assert not ScimUser.objects.exists()


def test_it_adopts_an_existing_member(scim, mentee, hospital):
    response = scim.post("Users", user_body("asha@example.org"))
    assert response.status_code == 201
    scim_user = ScimUser.objects.get()
    assert scim_user.user == mentee and not scim_user.created_account
    # The person's own name is theirs: provisioning does not rename an adopted account.
    scim.patch(
        f"Users/{scim_user.code}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "displayName", "value": "X"}],
        },
    )
    mentee.refresh_from_db()
    assert mentee.full_name == "Asha Raman"


def test_it_refuses_unknown_and_wrongly_typed_attributes(scim):
    unknown = scim.post("Users", user_body("a@cmc.example", shoeSize=42))
    assert unknown.status_code == 400
    assert "shoeSize" in unknown.json()["detail"]
    wrong = scim.post("Users", user_body("b@cmc.example", active="perhaps"))
    assert wrong.status_code == 400
    assert wrong.json()["scimType"] == "invalidValue"
    not_json = scim.post("Users", "{nope")
    assert not_json.status_code == 400
    assert not_json.json()["scimType"] == "invalidSyntax"
    no_email = scim.post("Users", {"schemas": [user_body("x")["schemas"][0]], "userName": "x"})
    assert no_email.status_code == 400
    assert not User.objects.filter(email__endswith="cmc.example").exists()


def test_it_filters_and_pages(scim):
    for n in range(5):
        assert scim.post("Users", user_body(f"p{n}@cmc.example")).status_code == 201
    page = scim.get("Users?startIndex=2&count=2").json()
    assert page["totalResults"] == 5
    assert page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["userName"] for r in page["Resources"]] == ["p1@cmc.example", "p2@cmc.example"]
    by_name = scim.get('Users?filter=userName eq "P3@cmc.example"').json()
    assert [r["userName"] for r in by_name["Resources"]] == ["p3@cmc.example"]
    by_ext = scim.get('Users?filter=externalId eq "ext-p4@cmc.example"').json()
    assert by_ext["totalResults"] == 1
    by_email = scim.get('Users?filter=emails.value eq "p0@cmc.example"').json()
    assert [r["userName"] for r in by_email["Resources"]] == ["p0@cmc.example"]
    bracket = scim.get('Users?filter=emails[value eq "p1@cmc.example"]').json()
    assert bracket["totalResults"] == 1
    nothing = scim.get('Users?filter=userName eq "p@cmc.example"').json()
    assert nothing["totalResults"] == 0 and nothing["Resources"] == []
    far = scim.get(f"Users?startIndex={10**30}&count=-5").json()
    assert far["totalResults"] == 5 and far["Resources"] == []
    assert scim.get("Users?count=many").status_code == 400
    bad = scim.get("Users?filter=shoeSize gt 3")
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"
    projected = scim.get("Users?attributes=userName&count=1").json()["Resources"][0]
    assert set(projected) == {"schemas", "id", "userName", "meta"}


def test_it_replaces_with_etags(scim):
    created = scim.post("Users", user_body("kavya@cmc.example")).json()
    path = f"Users/{created['id']}"
    assert scim.get(path, **{"If-None-Match": 'W/"1"'}).status_code == 304
    replaced = scim.put(path, user_body("kavya@cmc.example", displayName="Dr Kavya Menon"))
    assert replaced.status_code == 200
    assert replaced.json()["displayName"] == "Dr Kavya Menon"
    assert replaced["ETag"] == 'W/"2"'
    stale = scim.put(
        path, user_body("kavya@cmc.example", displayName="Old"), **{"If-Match": 'W/"1"'}
    )
    assert stale.status_code == 412
    assert ScimUser.objects.get().display_name == "Dr Kavya Menon"


def test_deactivating_ends_membership_sessions_tokens_and_flags_mentorships(
    scim, hospital, coordinator, mentor, client
):
    from carementor.accounts.services import token_create
    from carementor.mentorships.models import HelpRequest
    from carementor.mentorships.tests.helpers import make_mentorship, make_program
    from carementor.notifications.models import Notification

    created = scim.post("Users", user_body("kavya@cmc.example")).json()
    kavya = User.objects.get(email="kavya@cmc.example")
    token_create(kavya, "laptop")
    client.force_login(kavya)
    mentorship = make_mentorship(make_program(hospital), mentor, kavya)

    response = scim.patch(
        f"Users/{created['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": False}]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert not Membership.objects.filter(user=kavya, organization=hospital).exists()
    kavya.refresh_from_db()
    assert not kavya.is_active
    assert not PersonalAccessToken.objects.active().filter(user=kavya).exists()
    assert client.get("/dashboard/").status_code == 302
    help_request = HelpRequest.objects.get(mentorship=mentorship)
    assert "deprovisioned" in help_request.reason
    assert Notification.objects.filter(
        recipient=coordinator, kind="mentorship_party_deprovisioned"
    ).exists()
    event = AuditEvent.objects.get(action="scim.user_deprovisioned")
    assert event.detail["mentorships_flagged"] == 1
    assert event.detail["tokens_revoked"] == 1 and event.detail["sessions_ended"] == 1

    again = scim.patch(
        f"Users/{created['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]},
    )
    assert again.status_code == 200
    kavya.refresh_from_db()
    assert kavya.is_active
    assert Membership.objects.filter(user=kavya, organization=hospital).exists()


def test_deprovisioning_keeps_an_account_that_belongs_elsewhere(scim, mentee, trust):
    from carementor.lib.testing import add_member

    add_member(mentee, trust)
    created = scim.post("Users", user_body("asha@example.org")).json()
    assert scim.delete(f"Users/{created['id']}").status_code == 204
    mentee.refresh_from_db()
    assert mentee.is_active
    assert Membership.objects.filter(user=mentee, organization=trust).exists()
    assert scim.get(f"Users/{created['id']}").status_code == 404


def test_the_last_admin_is_not_deprovisioned(scim, org_admin):
    created = scim.post("Users", user_body("admin@example.org")).json()
    response = scim.delete(f"Users/{created['id']}")
    assert response.status_code == 409
    assert ScimUser.objects.filter(code=created["id"]).exists()


def test_a_patch_to_an_unknown_path_is_refused(scim):
    created = scim.post("Users", user_body("kavya@cmc.example")).json()
    response = scim.patch(
        f"Users/{created['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "bogus", "value": "1"}]},
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidPath"


def test_another_organizations_token_sees_nobody(scim, trust_scim):
    created = scim.post("Users", user_body("kavya@cmc.example")).json()
    assert trust_scim.get(f"Users/{created['id']}").status_code == 404
    assert trust_scim.delete(f"Users/{created['id']}").status_code == 404
    listed = trust_scim.get("Users").json()
    assert listed["totalResults"] == 0
    filtered = trust_scim.get('Users?filter=userName eq "kavya@cmc.example"').json()
    assert filtered["totalResults"] == 0
    assert ScimUser.objects.get().active


def test_revoked_tokens_stop_working(scim, scim_raw, org_admin):
    from carementor.integrations.models import ScimToken
    from carementor.integrations.services import scim_token_revoke

    assert scim.get("Users").status_code == 200
    scim_token_revoke(ScimToken.objects.get(), org_admin)
    assert scim.get("Users").status_code == 401


def test_the_user_list_runs_flat_queries(scim):
    from carementor.lib.testing import assert_flat_queries

    counter = iter(range(1000))

    def add_rows(k: int) -> None:
        for _ in range(k):
            n = next(counter)
            assert scim.post("Users", user_body(f"q{n}@cmc.example")).status_code == 201

    assert_flat_queries(lambda: scim.get("Users"), add_rows)
