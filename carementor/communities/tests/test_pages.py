"""Community pages: find, join with guidelines, post through the identifier check, answer,
accept, report and moderate — and the outsider sees nothing private."""

from carementor.audit.models import AuditEvent
from carementor.communities import services
from carementor.communities.models import (
    Comment,
    JoinPolicy,
    Member,
    ModerationAction,
    Post,
    Report,
    Visibility,
)
from carementor.communities.tests.helpers import join, post
from carementor.lib.phi import verhoeff_digit
from carementor.lib.testing import assert_flat_queries, make_user


def test_someone_without_an_organization_finds_and_joins_an_open_community(
    login, meena, open_community
):
    client = login(meena)
    page = client.get("/communities/").content.decode()
    assert "Critical care nursing" in page and "You have not joined a community yet." in page
    assert (
        client.get("/communities/?q=intensive").content.decode().count("Critical care nursing") == 1
    )
    assert "Critical care nursing" not in client.get("/communities/?q=dermatology").content.decode()
    join_page = client.get(f"/communities/{open_community.code}/join/")
    assert "Be kind. No patient details. Give sources." in join_page.content.decode()
    refused = client.post(f"/communities/{open_community.code}/join/", {})
    assert refused.status_code == 422 and not Member.objects.filter(user=meena).exists()
    response = client.post(f"/communities/{open_community.code}/join/", {"accept_guidelines": "on"})
    assert response.status_code == 302
    member = Member.objects.get(user=meena, community=open_community)
    assert member.is_active and member.guidelines_accepted_at is not None
    open_community.refresh_from_db()
    assert open_community.member_count == 2
    assert AuditEvent.objects.filter(action="communities.joined", actor=meena).exists()


def test_a_post_with_a_patient_identifier_is_warned_then_edited_and_answered(
    login, meena, kavita, open_community
):
    join(open_community, meena)
    client = login(meena)
    data = {
        "kind": "question",
        "title": "Weaning from the ventilator",
        "body": "Mr Rajesh Kumar, MRN 12345678, failed his trial. When do we try again?",
        "sources": "",
        "interest": "none",
        "interest_detail": "",
    }
    url = f"/communities/{open_community.code}/posts/new/"
    warned = client.post(url, data)
    page = warned.content.decode()
    assert warned.status_code == 422
    assert "This may identify a patient" in page and "MRN 12345678" in page
    assert not Post.objects.exists()
    data["body"] = "A man in his sixties failed a spontaneous breathing trial. When next?"
    data["sources"] = "doi:10.1056/NEJMoa1911303\nPMID 31504418"
    response = client.post(url, data)
    question = Post.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/communities/posts/{question.code}/"
    )
    assert question.visibility == Visibility.VISIBLE and question.is_question
    assert [s["kind"] for s in question.sources] == ["doi", "pmid"]

    answer = login(kavita).post(
        f"/communities/posts/{question.code}/",
        {"body": "Reassess daily; see the **ABC trial**."},
    )
    assert answer.status_code == 302
    comment = Comment.objects.get()
    assert "<strong>ABC trial</strong>" in comment.body_html

    client = login(meena)
    client.post(
        f"/communities/posts/{question.code}/act/", {"action": "accept", "comment": comment.code}
    )
    question.refresh_from_db()
    assert question.accepted_answer == comment
    page = client.get(f"/communities/posts/{question.code}/").content.decode()
    assert "Accepted answer" in page and "https://doi.org/10.1056/NEJMoa1911303" in page


def test_a_confirmed_high_confidence_identifier_is_held_for_a_moderator(
    login, meena, kavita, open_community
):
    join(open_community, meena)
    number = "23412341234" + verhoeff_digit("23412341234")
    data = {
        "kind": "discussion",
        "title": "Aadhaar on the discharge summary",
        "body": f"The form asks for {number}. Is that allowed?",
        "interest": "none",
    }
    client = login(meena)
    url = f"/communities/{open_community.code}/posts/new/"
    assert client.post(url, data).status_code == 422
    client.post(url, {**data, "confirm_no_identifiers": "on"})
    held = Post.objects.get()
    assert held.visibility == Visibility.HELD
    other = make_user("reader@example.org", full_name="Reader")
    join(open_community, other)
    assert login(other).get(f"/communities/posts/{held.code}/").status_code == 404
    moderator = login(kavita)
    assert (
        "Aadhaar on the discharge summary"
        in moderator.get(f"/communities/{open_community.code}/moderation/").content.decode()
    )
    moderator.post(
        f"/communities/{open_community.code}/moderation/",
        {"post": held.code, "action": "remove", "reason": "Holds an Aadhaar number."},
    )
    held.refresh_from_db()
    assert held.visibility == Visibility.REMOVED
    assert AuditEvent.objects.filter(action="communities.moderation_remove").exists()


def test_report_then_hide_with_a_reason(login, meena, mentee, kavita, open_community):
    join(open_community, meena)
    join(open_community, mentee)
    bad = post(open_community, meena, title="Miracle cure", body="Buy this supplement.")
    reporter = login(mentee)
    reporter.post(f"/communities/posts/{bad.code}/report/", {"reason": "promotion", "note": ""})
    assert Report.objects.open().count() == 1
    moderator = login(kavita)
    queue = moderator.get(f"/communities/{open_community.code}/moderation/").content.decode()
    assert "Miracle cure" in queue and "Undisclosed promotion" in queue
    no_reason = moderator.post(
        f"/communities/{open_community.code}/moderation/",
        {"post": bad.code, "action": "hide", "reason": ""},
    )
    assert no_reason.status_code == 302
    bad.refresh_from_db()
    assert bad.visibility == Visibility.VISIBLE
    moderator.post(
        f"/communities/{open_community.code}/moderation/",
        {"post": bad.code, "action": "hide", "reason": "Promotion without disclosure."},
    )
    bad.refresh_from_db()
    assert bad.visibility == Visibility.HIDDEN and not Report.objects.open().exists()
    assert ModerationAction.objects.get().action == "hide"
    assert login(mentee).get(f"/communities/posts/{bad.code}/").status_code == 404
    author_view = login(meena).get(f"/communities/posts/{bad.code}/").content.decode()
    assert "Promotion without disclosure." in author_view


def test_members_only_see_organization_communities(
    login, mentee, outsider, meena, hospital_community
):
    assert login(outsider).get(f"/communities/{hospital_community.code}/").status_code == 404
    assert login(meena).get(f"/communities/{hospital_community.code}/").status_code == 404
    assert "Paediatrics residents" not in login(outsider).get("/communities/").content.decode()
    client = login(mentee)
    assert "Paediatrics residents" in client.get("/communities/").content.decode()
    client.post(f"/communities/{hospital_community.code}/join/", {"accept_guidelines": "on"})
    assert Member.objects.get(user=mentee, community=hospital_community).is_active


def test_request_to_join_needs_a_moderator(login, meena, kavita):
    community = services.community_create(
        actor=kavita,
        name="Surgery residents, India",
        guidelines="x",
        join_policy=JoinPolicy.REQUEST,
    )
    client = login(meena)
    client.post(f"/communities/{community.code}/join/", {"accept_guidelines": "on"})
    member = Member.objects.get(user=meena, community=community)
    assert member.status == "requested"
    assert client.get(f"/communities/{community.code}/posts/new/").status_code == 302
    login(kavita).post(
        f"/communities/{community.code}/members/", {"member": member.code, "action": "approve"}
    )
    member.refresh_from_db()
    assert member.is_active


def test_leave_and_mute(login, meena, open_community):
    join(open_community, meena)
    client = login(meena)
    client.post(f"/communities/{open_community.code}/membership/", {"action": "mute"})
    assert Member.objects.get(user=meena).muted
    client.post(f"/communities/{open_community.code}/membership/", {"action": "leave"})
    assert Member.objects.get(user=meena).status == "left"


def test_posts_list_runs_flat_queries(login, kavita, open_community):
    client = login(kavita)
    counter = iter(range(1000))
    assert_flat_queries(
        lambda: client.get(f"/communities/{open_community.code}/"),
        lambda k: [post(open_community, kavita, title=f"Post {next(counter)}") for _ in range(k)],
    )


def test_index_runs_flat_queries(login, meena, kavita):
    client = login(meena)
    counter = iter(range(1000))
    assert_flat_queries(
        lambda: client.get("/communities/"),
        lambda k: [
            services.community_create(actor=kavita, name=f"Topic {next(counter)}", guidelines="x")
            for _ in range(k)
        ],
    )


def test_comments_and_moderation_queue_run_flat_queries(
    login, meena, kavita, open_community, monkeypatch
):
    monkeypatch.setattr("carementor.communities.posting.POSTS_PER_HOUR", 100)
    join(open_community, meena)
    question = post(open_community, meena, kind="question")
    client = login(kavita)

    def add(k: int) -> None:
        for _ in range(k):
            client.post(f"/communities/posts/{question.code}/", {"body": "An answer."})
            reported = post(open_community, meena, title="Reported")
            Report.objects.create(
                community=open_community, post=reported, reporter=kavita, reason="other"
            )

    assert_flat_queries(lambda: client.get(f"/communities/posts/{question.code}/"), add)
    assert_flat_queries(lambda: client.get(f"/communities/{open_community.code}/moderation/"), add)


def test_programme_spaces_are_for_the_programme(
    login, coordinator, mentee, outsider, hospital, on_commit
):
    from io import StringIO

    from django.core.management import call_command

    from carementor.communities.models import Community
    from carementor.programs.models import Enrollment, Program

    program = Program.objects.create(
        organization=hospital, name="Paediatrics circle", status="published"
    )
    client = login(coordinator)
    assert "Paediatrics circle" in client.get("/communities/new/").content.decode()
    response = client.post(f"/communities/programs/{program.code}/")
    community = Community.objects.get(program=program)
    assert response["Location"] == f"/communities/{community.code}/"
    assert login(mentee).get(f"/communities/{community.code}/").status_code == 404
    Enrollment.objects.create(program=program, user=mentee, role="mentee", status="approved")
    assert login(mentee).get(f"/communities/{community.code}/").status_code == 200
    assert login(outsider).post(f"/communities/programs/{program.code}/").status_code == 404
    other = Program.objects.create(organization=hospital, name="Nursing family", status="published")
    out = StringIO()
    call_command("communities_for_programs", stdout=out)
    assert Community.objects.filter(program=other).exists() and "Created 1" in out.getvalue()


def test_answers_by_verified_practitioners_of_the_specialty_are_badged(
    login, meena, kavita, mentor, hospital
):
    from carementor.credentials.models import Credential
    from carementor.credentials.tests.helpers import make_credential
    from carementor.profiles.models import Profile, Specialty

    specialty = Specialty.objects.get(code="critical-care-nursing")
    community = services.community_create(
        actor=kavita, name="ICU nurses", guidelines="x", specialty=specialty
    )
    join(community, meena)
    join(community, mentor)
    question = post(community, meena, kind="question")
    profile, _created = Profile.objects.get_or_create(user=mentor)
    profile.specialties.set([specialty])
    make_credential(mentor, hospital, status=Credential.Status.VERIFIED)
    for author in (mentor, kavita):
        login(author).post(f"/communities/posts/{question.code}/", {"body": "An answer."})
    page = login(meena).get(f"/communities/posts/{question.code}/").content.decode()
    assert page.count("Verified in this field") == 1
    badges = [
        c["verified_in_topic"]
        for c in login(meena)
        .get(f"/api/v1/communities/posts/{question.code}/comments")
        .json()["items"]
    ]
    assert badges == [True, False]
