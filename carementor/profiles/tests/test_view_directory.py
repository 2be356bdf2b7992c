import re

import pytest
from django.utils.html import escape

from carementor.lib.testing import add_member, make_user
from carementor.profiles.models import Visibility
from carementor.profiles.roles import ROLES
from carementor.profiles.tests.conftest import add_colleagues, make_profile, queries_for

PROFILE_LINK = re.compile(r'<a href="/profiles/[a-z0-9]{12}/">')


@pytest.fixture
def people(hospital, vocab, mentee, asha_profile, mentor, outsider):
    """Vikram (cardiologist, Hindi) and a nurse in the hospital; a private colleague; Tom."""
    make_profile(
        mentor,
        headline="Interventional cardiologist",
        profession=vocab.physician,
        career_stage=vocab.senior,
        roles_offered=["mentor"],
        mentoring_capacity=3,
        specialties=(vocab.paediatric_cardiology,),
        languages=(vocab.english, vocab.hindi),
    )
    nurse = make_user("mary@example.org", full_name="Mary Thomas")
    add_member(nurse, hospital)
    make_profile(
        nurse,
        headline="Nurse educator",
        profession=vocab.nurse,
        specialties=(vocab.general_nursing,),
        languages=(vocab.english,),
    )
    hidden = make_user("hidden@example.org", full_name="Hidden Person")
    add_member(hidden, hospital)
    make_profile(hidden, visibility=Visibility.PRIVATE)
    make_profile(outsider, headline="Clinical informatics lead", visibility=Visibility.PLATFORM)


def names(response):
    html = response.content.decode()
    listing = html[html.index('id="directory-results"') :].split("</ul>")[0]
    return [
        name
        for name in ("Asha Raman", "Vikram Mehta", "Mary Thomas", "Hidden Person", "Tom Hughes")
        if name in listing
    ]


def test_lists_colleagues_visible_to_me(login, mentee, people):
    response = login(mentee).get("/profiles/")
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["Vikram Mehta", "Mary Thomas"]
    assert "2 people" in html
    mentor_role = escape(str(ROLES["mentor"].definition))
    assert f'<span class="badge ok" title="{mentor_role}">Offers: Mentor</span>' in html
    assert "vikram@example.org" not in html


def test_the_outsider_sees_none_of_the_hospital(login, outsider, people):
    response = login(outsider).get("/profiles/")
    assert response.status_code == 200
    assert names(response) == []
    assert "No one matches." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("profession=registered-nurse", ["Mary Thomas"]),
        ("career_stage=senior", ["Vikram Mehta"]),
        ("specialty=paediatric-cardiology", ["Vikram Mehta"]),
        ("language=en", ["Vikram Mehta", "Mary Thomas"]),
        ("language=hi", ["Vikram Mehta"]),
        ("q=educator", ["Mary Thomas"]),
        ("q=vikram", ["Vikram Mehta"]),
        ("organization=", ["Vikram Mehta", "Mary Thomas"]),
    ],
)
def test_filters(login, mentee, people, query, expected):
    response = login(mentee).get(f"/profiles/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_filter_by_one_of_my_organizations(login, mentee, people, hospital):
    response = login(mentee).get(f"/profiles/?organization={hospital.code}")
    assert names(response) == ["Vikram Mehta", "Mary Thomas"]


def test_bad_filters_are_a_400_with_the_reason(login, mentee, people, trust):
    client = login(mentee)
    response = client.get("/profiles/?profession=astronaut")
    assert response.status_code == 400
    assert "“astronaut” is not a known profession." in response.content.decode()
    assert names(response) == []
    response = client.get(f"/profiles/?organization={trust.code}")
    assert response.status_code == 400
    assert "You are not in this organization." in response.content.decode()


def test_paginated_by_twenty_without_n_plus_one(
    login, mentee, hospital, vocab, django_assert_max_num_queries
):
    client = login(mentee)
    add_colleagues(hospital, vocab, 2)
    baseline = queries_for(client, "/profiles/?language=ta")
    add_colleagues(hospital, vocab, 33, start=2)
    with django_assert_max_num_queries(baseline):
        first = client.get("/profiles/?language=ta")
    html = first.content.decode()
    assert len(PROFILE_LINK.findall(html)) == 20
    assert "Person 00" in html and "Person 19" in html and "Person 20" not in html
    assert "Page 1 of 2" in html
    assert 'href="?language=ta&amp;page=2"' in html
    second = client.get("/profiles/?language=ta&page=2").content.decode()
    assert len(PROFILE_LINK.findall(second)) == 15
    assert "Person 34" in second


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get("/profiles/").status_code == 302


def test_more_filters_start_open_only_when_used(login, mentee, people):
    client = login(mentee)
    assert (
        "<details>\n    <summary>More filters</summary>"
        in client.get("/profiles/").content.decode()
    )
    html = client.get("/profiles/?q=&profession=physician").content.decode()
    assert "<details open>\n    <summary>More filters</summary>" in html
