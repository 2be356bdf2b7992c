from datetime import timedelta

import pytest
from django.utils import timezone

from carementor.lib.testing import add_member, make_organization
from carementor.organizations.models import Invitation


def invite(organization, email, *, days=7, **extra):  # type: ignore[no-untyped-def]
    return Invitation.objects.create(
        organization=organization,
        email=email,
        roles=["mentor"],
        expires_at=timezone.now() + timedelta(days=days),
        **extra,
    )


@pytest.mark.django_db
def test_it_needs_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_it_greets_me_and_shows_my_profile_completeness(login, mentee):
    response = login(mentee).get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, Asha" in html
    percent, missing = response.context["profile"].completeness()
    assert f'<progress class="meter" max="100" value="{percent}"' in html
    assert f"{percent}% complete" in html
    assert "your profession" in missing
    assert "<li>your profession</li>" in html
    assert f'href="/profiles/{mentee.profile.code}/"' in html


def test_it_lists_my_organizations_with_my_roles(login, mentor, hospital, trust):
    add_member(mentor, trust)
    html = login(mentor).get("/dashboard/").content.decode()
    assert (
        f'href="/organizations/{hospital.code}/">Chennai Children&#x27;s Teaching Hospital' in html
    )
    assert "— Member, Mentor" in html
    assert f'href="/organizations/{trust.code}/">Leeds Teaching Hospitals NHS Trust' in html


def test_someone_without_an_organization_is_told_how_to_join(login, db):
    from carementor.lib.testing import make_user

    loner = make_user("ravi@example.org", full_name="Ravi Kumar")
    html = login(loner).get("/dashboard/").content.decode()
    assert "You are not in an organization yet." in html


def test_it_shows_only_my_open_invitations(login, mentee, hospital, trust, org_admin):
    open_one = invite(trust, "ASHA@example.org", invited_by=org_admin)
    invite(hospital, "asha@example.org", days=-1)  # expired
    invite(hospital, "someone@example.org")  # someone else's
    other = make_organization("Kochi College of Nursing", slug="kochi", kind="nursing_college")
    invite(other, "asha@example.org", revoked_at=timezone.now())
    html = login(mentee).get("/dashboard/").content.decode()
    assert "Invitations waiting for you" in html
    assert "Leeds Teaching Hospitals NHS Trust invited you" in html
    assert f'href="/organizations/invitations/code/{open_one.code}/"' in html
    assert html.count("invited you") == 1


def test_no_invitation_section_without_invitations(login, mentee):
    assert "Invitations waiting for you" not in login(mentee).get("/dashboard/").content.decode()


def test_it_nudges_towards_mfa_only_without_it(login, mentee, coordinator):
    assert "turn on two-factor authentication" in login(mentee).get("/dashboard/").content.decode()
    html = login(coordinator).get("/dashboard/").content.decode()
    assert "turn on two-factor authentication" not in html


def test_it_shows_nothing_of_the_outsider(login, mentee, outsider, trust):
    html = login(mentee).get("/dashboard/").content.decode()
    assert "Leeds Teaching Hospitals NHS Trust" not in html
    assert "Tom Hughes" not in html


def test_queries_do_not_grow_with_organizations_and_invitations(
    login, mentee, hospital, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(mentee)
    client.get("/dashboard/")  # creates the empty profile
    cache.clear()  # both counts with the layout's cached navigation cold
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    for number in range(6):
        org = make_organization(f"Hospital {number}", slug=f"hospital-{number}")
        add_member(mentee, org, "mentor")
        invite(make_organization(f"College {number}", slug=f"college-{number}"), mentee.email)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/dashboard/").content.decode()
    assert html.count("invited you") == 6
    assert html.count("— Member, Mentor") == 6


def test_it_lists_surveys_waiting_for_my_answer_and_links_my_certificates(
    login, mentee, mentor, hospital
):
    from carementor.evaluations.models import HasResponded
    from carementor.evaluations.tests.core_helpers import active_mentorship, assign
    from carementor.mentorships.tests.helpers import make_program

    program = make_program(hospital, name="Surveyed programme")
    mentorship = active_mentorship(program, mentor, mentee)
    waiting = assign(mentee, program, "relationship-quality", mentorship=mentorship)
    answered = assign(mentee, program, "mentee-outcomes", mentorship=mentorship)
    HasResponded.objects.create(assignment=answered, responded_on=timezone.localdate())
    theirs = assign(mentor, program, "psychological-safety", mentorship=mentorship, role="mentor")
    html = login(mentee).get("/dashboard/").content.decode()
    assert "Surveys waiting for your answer" in html
    assert f'href="/evaluations/surveys/{waiting.code}/"' in html
    assert answered.code not in html and theirs.code not in html
    assert 'href="/certificates/"' in html and "Your CPD log" in html
