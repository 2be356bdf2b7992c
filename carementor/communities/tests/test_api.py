"""The communities API and the safeguards check, as a client would use them."""

import json

from carementor.communities.models import Member, Post, Report, Visibility
from carementor.communities.tests.helpers import join, post
from carementor.lib.phi import nhs_check_digit
from carementor.lib.testing import assert_flat_queries


def call(client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def test_safeguards_check_finds_identifiers_and_stores_nothing(login, meena):
    nine = "943476591"
    number = nine + str(nhs_check_digit(nine))
    text = f"NHS number {number}, ward 7B, HbA1c 7.2%."
    response = call(login(meena), "POST", "/api/v1/safeguards/check", {"text": text})
    assert response.status_code == 200
    (finding,) = response.json()["findings"]
    assert finding["kind"] == "nhs_number" and finding["confidence"] == "high"
    assert text[finding["start"] : finding["end"]] == number
    bad = call(login(meena), "POST", "/api/v1/safeguards/check", {"text": "a\x00b"})
    assert bad.status_code == 422


def test_join_post_answer_accept_through_the_api(login, meena, kavita, open_community):
    client = login(meena)
    found = client.get("/api/v1/communities/find?q=critical").json()
    assert [c["code"] for c in found["items"]] == [open_community.code]
    refused = call(
        client,
        "POST",
        f"/api/v1/communities/{open_community.code}/join",
        {"accept_guidelines": False},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "guidelines_not_accepted"
    joined = call(
        client,
        "POST",
        f"/api/v1/communities/{open_community.code}/join",
        {"accept_guidelines": True},
    )
    assert joined.json()["status"] == "active"
    assert client.get("/api/v1/communities/").json()["items"][0]["community"]["code"] == (
        open_community.code
    )
    body = {
        "kind": "question",
        "title": "Pressure injuries",
        "body": "Pt Lakshmi Devi has a grade 3 sore. Dressing?",
        "sources": ["https://www.nice.org.uk/guidance/cg179"],
    }
    url = f"/api/v1/communities/{open_community.code}/posts"
    warned = call(client, "POST", url, body)
    assert warned.status_code == 422 and warned.json()["code"] == "patient_identifiers"
    assert warned.json()["errors"][0]["kind"] == "name"
    body["body"] = "A grade 3 pressure injury on the sacrum. Which dressing?"
    created = call(client, "POST", url, body)
    assert created.status_code == 201
    code = created.json()["code"]
    assert created.json()["sources"][0]["kind"] == "url"

    answer = call(
        login(kavita), "POST", f"/api/v1/communities/posts/{code}/comments", {"body": "Foam."}
    )
    assert answer.status_code == 201
    client = login(meena)
    listed = client.get(url).json()["items"]
    assert listed[0]["unread"] is True
    client.get(f"/api/v1/communities/posts/{code}")
    assert client.get(url).json()["items"][0]["unread"] is False
    accepted = call(
        client,
        "POST",
        f"/api/v1/communities/posts/{code}/accept",
        {"comment": answer.json()["code"]},
    )
    assert accepted.json()["accepted_answer"] == answer.json()["code"]
    helpful = call(
        client,
        "POST",
        f"/api/v1/communities/posts/{code}/helpful",
        {"comment": answer.json()["code"]},
    )
    assert helpful.json() == {"helpful": True}
    assert client.get(f"{url}?q=sacrum").json()["count"] == 1
    assert client.get(f"{url}?q=dermatology").json()["count"] == 0


def test_bad_sources_and_undisclosed_interest_details_are_422(login, kavita, open_community):
    url = f"/api/v1/communities/{open_community.code}/posts"
    client = login(kavita)
    bad = call(client, "POST", url, {"title": "T", "body": "B", "sources": ["not a source"]})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_source"
    vague = call(client, "POST", url, {"title": "T", "body": "B", "interest": "industry"})
    assert vague.status_code == 422 and vague.json()["code"] == "interest_detail_required"
    assert not Post.objects.exists()


def test_report_and_moderate_through_the_api(login, meena, mentee, kavita, open_community):
    join(open_community, meena)
    join(open_community, mentee)
    bad = post(open_community, meena, title="Stop statins", body="Statins are poison.")
    reported = call(
        login(mentee),
        "POST",
        f"/api/v1/communities/posts/{bad.code}/reports",
        {"reason": "misinformation"},
    )
    assert reported.status_code == 201
    forbidden = login(mentee).get(f"/api/v1/communities/{open_community.code}/moderation")
    assert forbidden.status_code == 403
    client = login(kavita)
    queue = client.get(f"/api/v1/communities/{open_community.code}/moderation").json()
    assert queue["items"][0]["code"] == bad.code and queue["items"][0]["open_reports"] == 1
    labelled = call(
        client,
        "POST",
        f"/api/v1/communities/posts/{bad.code}/moderate",
        {"action": "label", "label": "not_evidence_based", "reason": "Contradicts the trials."},
    )
    assert labelled.status_code == 200
    bad.refresh_from_db()
    assert bad.label == "not_evidence_based" and bad.visibility == Visibility.VISIBLE
    assert not Report.objects.open().exists()
    warned = call(
        client,
        "POST",
        f"/api/v1/communities/{open_community.code}/members/{Member.objects.get(user=meena).code}",
        {"action": "warn", "reason": "Give sources."},
    )
    assert warned.json()["warnings"] == 1


def test_outsider_gets_404_on_an_organization_community(
    login, outsider, mentee, hospital_community
):
    join(hospital_community, mentee)
    question = post(hospital_community, mentee)
    client = login(outsider)
    for url in (
        f"/api/v1/communities/{hospital_community.code}",
        f"/api/v1/communities/{hospital_community.code}/posts",
        f"/api/v1/communities/posts/{question.code}",
        f"/api/v1/communities/posts/{question.code}/comments",
    ):
        assert client.get(url).status_code == 404, url
    joining = call(
        client,
        "POST",
        f"/api/v1/communities/{hospital_community.code}/join",
        {"accept_guidelines": True},
    )
    assert joining.status_code == 404
    assert client.get("/api/v1/communities/find").json()["count"] == 0


def test_api_posts_list_runs_flat_queries(login, kavita, open_community):
    client = login(kavita)
    counter = iter(range(1000))
    assert_flat_queries(
        lambda: client.get(f"/api/v1/communities/{open_community.code}/posts"),
        lambda k: [post(open_community, kavita, title=f"Post {next(counter)}") for _ in range(k)],
    )


def test_posting_is_rate_limited(login, kavita, open_community):
    from carementor.communities import posting

    url = f"/api/v1/communities/{open_community.code}/posts"
    client = login(kavita)
    for i in range(posting.POSTS_PER_HOUR):
        assert call(client, "POST", url, {"title": f"T{i}", "body": "B"}).status_code == 201
    limited = call(client, "POST", url, {"title": "One more", "body": "B"})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    page = client.get(f"/communities/{open_community.code}/")
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_a_member_muted_for_days_reads_but_cannot_write(login, meena, kavita, open_community):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    member = join(open_community, meena)
    url = f"/api/v1/communities/{open_community.code}/members/{member.code}"
    client = login(kavita)
    bad = call(client, "POST", url, {"action": "suspend", "days": 0, "reason": "Cool off."})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_days"
    muted = call(client, "POST", url, {"action": "suspend", "days": 3, "reason": "Cool off."})
    assert muted.status_code == 200 and muted.json()["suspended_until"] is not None
    posts = f"/api/v1/communities/{open_community.code}/posts"
    client = login(meena)
    assert client.get(posts).status_code == 200
    refused = call(client, "POST", posts, {"title": "T", "body": "B"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_member"
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert call(login(meena), "POST", posts, {"title": "T", "body": "B"}).status_code == 201
