"""Privileged roles must enrol in MFA before any page or API operation."""

import json

import pytest
from allauth.mfa.models import Authenticator

from carementor.accounts.models import User
from carementor.lib.testing import give_mfa, make_user
from carementor.organizations.models import Membership

PAGES = ["/dashboard/", "/settings/tokens/", "/settings/account/", "/"]


def make_unenrolled(role: str, organization) -> User:  # type: ignore[no-untyped-def]
    """A privileged person who has not turned on MFA yet."""
    user = make_user("unenrolled@example.org", full_name="Neha Verma")
    if role == "staff":
        user.is_staff = True
        user.save()
    else:
        membership = Membership(user=user, organization=organization)
        membership.set_roles([role])
        membership.save()
    return user


@pytest.fixture(params=["coordinator", "reviewer", "admin", "staff"])
def each_unenrolled(request, hospital) -> User:  # type: ignore[no-untyped-def]
    return make_unenrolled(request.param, hospital)


@pytest.fixture
def unenrolled(hospital) -> User:  # type: ignore[no-untyped-def]
    return make_unenrolled("coordinator", hospital)


def test_every_privileged_role_is_stopped_on_pages_and_the_api(client, each_unenrolled, bearer):  # type: ignore[no-untyped-def]
    headers = bearer(each_unenrolled)
    client.force_login(each_unenrolled)
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"
    assert client.get("/api/v1/tokens").json()["code"] == "mfa_required"
    client.logout()
    assert client.get("/api/v1/tokens", **headers).json()["code"] == "mfa_required"


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_them_to_enrol(login, unenrolled, path):
    response = login(unenrolled).get(path)
    assert response.status_code == 302
    assert response["Location"] == "/security/mfa-required/"


def test_the_explanation_page_opens_and_links_to_enrolment(login, unenrolled):
    response = login(unenrolled).get("/security/mfa-required/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Turn on two-factor authentication" in html
    assert 'href="/accounts/2fa/totp/activate/"' in html


@pytest.mark.parametrize(
    "path",
    ["/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/email/", "/health/"],
)
def test_account_pages_stay_open_to_enrol(login, unenrolled, path):
    response = login(unenrolled).get(path)
    assert response.status_code in (200, 302)
    assert response.get("Location") != "/security/mfa-required/"


def test_signing_out_still_works(login, unenrolled):
    client = login(unenrolled)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_operations_answer_403_with_the_session(login, unenrolled):
    client = login(unenrolled)
    for method, path in [("get", "/api/v1/tokens"), ("post", "/api/v1/tokens")]:
        response = client.generic(method.upper(), path, "{}", "application/json")
        assert response.status_code == 403, path
        assert response.json()["code"] == "mfa_required"


def test_api_operations_answer_403_with_a_token(client, unenrolled, bearer):
    headers = bearer(unenrolled)
    response = client.get("/api/v1/tokens", **headers)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role requires two-factor authentication. Enrol first.",
        "code": "mfa_required",
        "errors": [],
    }
    delete = client.delete("/api/v1/tokens/whatever", **headers)
    assert delete.status_code == 403


def test_they_may_still_read_me_to_learn_why(client, unenrolled, bearer):
    response = client.get("/api/v1/me", **bearer(unenrolled))
    assert response.status_code == 200
    assert response.json()["has_mfa"] is False


def test_the_exemption_for_me_is_exact(login, unenrolled):
    # A future /api/v1/meetings must not slip through because it starts with /api/v1/me.
    response = login(unenrolled).get("/api/v1/meetings")
    assert response.status_code == 403


def test_after_enrolling_they_get_through(login, unenrolled, bearer):
    give_mfa(unenrolled)
    client = login(unenrolled)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/tokens").status_code == 200
    assert client.get("/api/v1/tokens", **bearer(unenrolled)).status_code == 200


def test_recovery_codes_alone_are_not_enough(login, unenrolled):
    Authenticator.objects.create(
        user=unenrolled, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert login(unenrolled).get("/dashboard/")["Location"] == "/security/mfa-required/"


def test_a_plain_member_is_never_bothered(login, mentee, mentor, bearer):
    for person in (mentee, mentor):
        client = login(person)
        assert client.get("/dashboard/").status_code == 200
        assert client.get("/security/mfa-required/").status_code == 200
        assert client.get("/api/v1/tokens").status_code == 200
        assert client.get("/api/v1/tokens", **bearer(person)).status_code == 200


def test_the_explanation_page_tells_an_enrolled_person_they_are_done(login, coordinator):
    response = login(coordinator).get("/security/mfa-required/")
    assert response.status_code == 200
    assert "Two-factor authentication is on for your account." in response.content.decode()


def test_losing_mfa_locks_them_out_again(login, coordinator):
    client = login(coordinator)
    assert client.get("/dashboard/").status_code == 200
    Authenticator.objects.filter(user=coordinator).delete()
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"
    response = client.post(
        "/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_they_can_enrol_through_the_account_pages_and_then_get_through(client, each_unenrolled):  # type: ignore[no-untyped-def]
    unenrolled = each_unenrolled
    from carementor.accounts.tests.helpers import reauthenticate, sign_in, totp_code

    sign_in(client, unenrolled)
    assert client.get("/dashboard/")["Location"] == "/security/mfa-required/"
    reauthenticate(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    # The recovery codes page they land on is theirs to see before anything else.
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/dashboard/").status_code == 200


def test_htmx_requests_are_sent_to_enrol_as_a_whole_page(login, unenrolled):
    response = login(unenrolled).get("/dashboard/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/security/mfa-required/"


def test_the_explanation_page_tells_a_plain_member_it_is_optional(login, mentee):
    html = login(mentee).get("/security/mfa-required/").content.decode()
    assert "Your roles do not require it" in html
    assert "You hold a role that can see other people" not in html
