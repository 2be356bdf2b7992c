"""Spam defences and appeals: a new account's first post waits for a moderator, links are
limited, and the author of a hidden post or comment can appeal once."""

import json

from carementor.audit.models import AuditEvent
from carementor.communities.models import Appeal, Comment, HeldReason, Post, Visibility
from carementor.communities.posting import MAX_LINKS
from carementor.communities.tests.helpers import join, post
from carementor.lib.testing import make_user
from carementor.notifications.models import Notification


def call(client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")


def test_the_first_post_of_a_new_account_waits_for_a_moderator(
    login, kavita, mentee, open_community
):
    newcomer = make_user("new@example.org", full_name="Nita Newcomer")
    join(open_community, newcomer)
    client = login(newcomer)
    url = f"/communities/{open_community.code}/posts/new/"
    data = {"kind": "discussion", "title": "Hello all", "body": "New here.", "interest": "none"}
    response = client.post(url, data, follow=True)
    first = Post.objects.get(author=newcomer)
    assert first.visibility == Visibility.HELD and first.held_reason == HeldReason.NEW_ACCOUNT
    assert "A moderator checks the first post of a new account" in response.content.decode()
    answer = call(client, "POST", f"/api/v1/communities/posts/{first.code}/comments", {"body": "x"})
    assert answer.status_code == 409 and answer.json()["code"] == "closed"
    queue = login(kavita).get(f"/communities/{open_community.code}/moderation/").content.decode()
    assert "Hello all" in queue and "First post of a new account" in queue
    api_queue = login(kavita).get(f"/api/v1/communities/{open_community.code}/moderation").json()
    assert api_queue["items"][0]["held_reason"] == "new_account"
    login(kavita).post(
        f"/communities/{open_community.code}/moderation/",
        {"post": first.code, "action": "approve", "reason": ""},
    )
    first.refresh_from_db()
    assert first.visibility == Visibility.VISIBLE and first.held_reason == ""
    second = post(open_community, newcomer, title="Second")
    assert second.visibility == Visibility.VISIBLE
    # Someone an organisation vouches for is not held, nor is a moderator.
    join(open_community, mentee)
    assert post(open_community, mentee, title="From the hospital").visibility == "visible"


def test_the_first_comment_of_a_new_account_is_held_too(login, kavita, open_community):
    question = post(open_community, kavita, kind="question")
    newcomer = make_user("new@example.org", full_name="Nita Newcomer")
    join(open_community, newcomer)
    login(newcomer).post(f"/communities/posts/{question.code}/", {"body": "Daily, with SAT."})
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD and comment.held_reason == "new_account"
    question.refresh_from_db()
    assert question.comment_count == 0


def test_too_many_links_is_a_form_error_and_writes_nothing(login, meena, open_community):
    join(open_community, meena)
    links = " ".join(f"https://example.org/{i}" for i in range(MAX_LINKS + 1))
    response = login(meena).post(
        f"/communities/{open_community.code}/posts/new/",
        {"kind": "discussion", "title": "Links", "body": links, "interest": "none"},
    )
    assert response.status_code == 422
    assert f"Too many links: use at most {MAX_LINKS}." in response.content.decode()
    api = call(
        login(meena),
        "POST",
        f"/api/v1/communities/{open_community.code}/posts",
        {"title": "Links", "body": links},
    )
    assert api.status_code == 422 and api.json()["code"] == "too_many_links"
    assert not Post.objects.exists()


def test_an_author_appeals_once_and_a_moderator_restores(
    login, meena, kavita, outsider, open_community, on_commit
):
    join(open_community, meena)
    hidden = post(open_community, meena, title="Off-label dosing")
    login(kavita).post(
        f"/communities/{open_community.code}/moderation/",
        {"post": hidden.code, "action": "hide", "reason": "Needs a source."},
    )
    client = login(meena)
    page = client.get(f"/communities/posts/{hidden.code}/").content.decode()
    assert "Appeal this decision" in page and "Needs a source." in page
    with on_commit():
        client.post(
            f"/communities/posts/{hidden.code}/appeal/",
            {"text": "I added the BNF reference.", "comment": ""},
        )
    appeal = Appeal.objects.get()
    assert appeal.author == meena and appeal.comment is None
    again = call(
        login(meena), "POST", f"/api/v1/communities/posts/{hidden.code}/appeals", {"text": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_appealed"
    assert Notification.objects.filter(recipient=kavita, kind="community_appealed").exists()
    assert "You appealed" in login(meena).get(f"/communities/posts/{hidden.code}/").content.decode()
    queue = login(kavita).get(f"/communities/{open_community.code}/moderation/").content.decode()
    assert "I added the BNF reference." in queue
    listed = login(kavita).get(f"/api/v1/communities/{open_community.code}/appeals").json()
    assert [a["code"] for a in listed["items"]] == [appeal.code]
    assert (
        call(
            login(outsider),
            "POST",
            f"/api/v1/communities/appeals/{appeal.code}/decide",
            {"outcome": "restored"},
        ).status_code
        == 404
    )
    assert (
        call(
            login(meena),
            "POST",
            f"/api/v1/communities/appeals/{appeal.code}/decide",
            {"outcome": "restored"},
        ).status_code
        == 403
    )
    with on_commit():
        login(kavita).post(
            f"/communities/{open_community.code}/moderation/",
            {"appeal": appeal.code, "outcome": "restored", "reason": ""},
        )
    hidden.refresh_from_db()
    appeal.refresh_from_db()
    assert hidden.visibility == Visibility.VISIBLE and appeal.outcome == "restored"
    assert AuditEvent.objects.filter(action="communities.appealed").count() == 1
    assert AuditEvent.objects.filter(action="communities.appeal_restored").count() == 1
    note = Notification.objects.get(recipient=meena, kind="community_appeal_decided")
    assert "Your appeal succeeded" in note.title


def test_a_comment_appeal_upheld_needs_a_reason(login, meena, kavita, open_community):
    join(open_community, meena)
    question = post(open_community, kavita, kind="question")
    reply = call(
        login(meena),
        "POST",
        f"/api/v1/communities/posts/{question.code}/comments",
        {"body": "Buy brand X."},
    )
    code = reply.json()["code"]
    hide = call(
        login(kavita),
        "POST",
        f"/api/v1/communities/posts/{question.code}/moderate",
        {"action": "hide", "reason": "Promotion.", "comment": code},
    )
    assert hide.status_code == 200
    made = call(
        login(meena),
        "POST",
        f"/api/v1/communities/posts/{question.code}/appeals",
        {"text": "I have no link to brand X.", "comment": code},
    )
    assert made.status_code == 201 and made.json()["comment"] == code
    url = f"/api/v1/communities/appeals/{made.json()['code']}/decide"
    refused = call(login(kavita), "POST", url, {"outcome": "upheld"})
    assert refused.status_code == 422 and refused.json()["code"] == "reason_required"
    upheld = call(login(kavita), "POST", url, {"outcome": "upheld", "reason": "Still promotion."})
    assert upheld.status_code == 200 and upheld.json()["outcome"] == "upheld"
    assert Comment.objects.get(code=code).visibility == Visibility.HIDDEN
    twice = call(login(kavita), "POST", url, {"outcome": "restored"})
    assert twice.status_code == 409
    visible = post(open_community, meena, title="Visible")
    not_hidden = call(
        login(meena), "POST", f"/api/v1/communities/posts/{visible.code}/appeals", {"text": "x"}
    )
    assert not_hidden.status_code == 409 and not_hidden.json()["code"] == "not_hidden"
