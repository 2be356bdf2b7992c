"""@mentions: by public code or e-mail handle, members only, linked, notified once."""

from carementor.communities import services
from carementor.communities.mentions import handles
from carementor.communities.models import Comment
from carementor.communities.tests.helpers import join, post
from carementor.lib.testing import assert_flat_queries, make_user
from carementor.notifications.models import Notification
from carementor.profiles.models import Profile


def test_handles_skip_email_addresses_and_urls_and_trailing_stops():
    text = "Ask @meena. or @K1x9 — not ravi@example.org or https://x.org/@nope, again @Meena"
    assert handles(text) == ["meena", "k1x9"]


def test_a_post_mentions_members_by_handle_or_code_and_notifies_them(
    meena, kavita, outsider, open_community, on_commit
):
    join(open_community, meena)
    Profile.objects.get_or_create(user=meena)
    muted = make_user("muted@example.org", full_name="Muted Member")
    services.community_mute(join(open_community, muted), muted=True)
    with on_commit():
        written = post(
            open_community,
            kavita,
            body=f"Thoughts, @meena and @{muted.code}? Also @tom, who is not a member.",
        )
    profile = Profile.objects.get(user=meena)
    assert f'<a href="/profiles/{profile.code}/"' in written.body_html
    assert "@meena</a>" in written.body_html
    # A mention by public code (what the autocomplete writes) reads as the member's name.
    assert "<strong>@Muted Member</strong>" in written.body_html
    assert muted.code not in written.body_html
    assert "@tom" in written.body_html and "@tom</" not in written.body_html
    (note,) = Notification.objects.filter(kind="community_mentioned")
    assert note.recipient == meena and "Kavita Rao mentioned you" in note.title
    assert note.url == written.get_absolute_url()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_comment_mention_notifies_and_the_page_links_it(
    login, meena, kavita, open_community, on_commit
):
    join(open_community, meena)
    question = post(open_community, meena, kind="question")
    with on_commit():
        login(kavita).post(
            f"/communities/posts/{question.code}/",
            {"body": "@MEENA, try the unit's protocol."},
        )
    comment = Comment.objects.get()
    assert "<strong>@MEENA</strong>" in comment.body_html
    kinds = set(Notification.objects.filter(recipient=meena).values_list("kind", flat=True))
    assert kinds == {"community_answer", "community_mentioned"}
    page = login(meena).get(f"/communities/posts/{question.code}/").content.decode()
    assert "<strong>@MEENA</strong>" in page


def test_the_autocomplete_suggests_members_by_name_to_members_only(
    login, meena, kavita, outsider, open_community
):
    join(open_community, meena)
    Profile.objects.get_or_create(user=meena)
    services.community_mute(join(open_community, make_user("mehul@example.org")), muted=True)
    left = make_user("meera@example.org", full_name="Meera Left")
    services.community_leave(join(open_community, left))
    url = f"/api/v1/communities/{open_community.code}/mentionable"
    answer = login(kavita).get(url, {"q": "mee"})
    assert answer.status_code == 200
    (found,) = answer.json()["items"]
    profile = Profile.objects.get(user=meena)
    assert found == {"handle": meena.code, "name": "Meena Yadav", "profile": profile.code}
    assert "example.org" not in answer.content.decode()  # e-mail addresses are never shown
    assert login(kavita).get(url, {"q": meena.code[:4]}).json()["items"][0]["handle"] == meena.code
    everyone = login(kavita).get(url).json()
    assert everyone["count"] == 3 and len(everyone["items"]) == 3  # not who left
    assert login(outsider).get(url, {"q": "mee"}).status_code == 403
    assert login(kavita).get(url, {"q": "x" * 65}).status_code == 422


def test_the_autocomplete_runs_the_same_queries_however_many_members(login, kavita, open_community):
    client = login(kavita)
    url = f"/api/v1/communities/{open_community.code}/mentionable"
    made = iter(range(100))

    def add(k: int) -> None:
        for _ in range(k):
            n = next(made)
            person = make_user(f"nurse{n}@example.org", full_name=f"Nurse Number {n}")
            Profile.objects.get_or_create(user=person)
            join(open_community, person)

    assert_flat_queries(lambda: client.get(url, {"q": "nurse"}), add, n=3)
