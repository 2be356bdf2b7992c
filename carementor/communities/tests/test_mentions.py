"""@mentions: by public code or e-mail handle, members only, linked, notified once."""

from carementor.communities import services
from carementor.communities.mentions import handles
from carementor.communities.models import Comment
from carementor.communities.tests.helpers import join, post
from carementor.lib.testing import make_user
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
    assert f"<strong>@{muted.code}</strong>" in written.body_html
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
