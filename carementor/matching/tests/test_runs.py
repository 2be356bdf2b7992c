"""Coordinator match runs through the pages: start, read, adjust, publish."""

import io

import pytest
from django.core.management import call_command

from carementor.audit.models import AuditEvent
from carementor.matching import publishing, runs
from carementor.matching.models import MatchProposal, MatchRun, PairRule
from carementor.mentorships.models import Mentorship, MentorshipParty
from carementor.programs.models import Enrollment


def start(client, program, mode="optimal", **extra):
    return client.post(f"/programs/{program.code}/runs/start/", {"mode": mode, **extra})


def pairs(run):
    return {(p.mentee.full_name, p.mentor.full_name) for p in run.proposals.all()}


def test_a_run_proposes_verified_mentors_within_capacity(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    response = start(client, program, maximize_matched="on")
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.code}/runs/{run.code}/"
    assert run.status == "draft" and run.mode == "optimal" and run.maximize_matched
    assert run.created_by == coordinator and run.finished_at is not None
    assert run.stats["mentees"] == 3 and run.stats["mentors"] == 2 and run.stats["seats"] == 3
    assert run.stats["matched"] == 3 and sum(run.stats["histogram"]) == 3
    assert pairs(run) == {
        ("Asha Raman", "Vikram Mehta"),
        ("Ravi Kumar", "Meera Iyer"),
        ("Lina Das", "Meera Iyer"),
    }
    assert "Uma Unverified" not in {p.mentor.full_name for p in run.proposals.all()}
    asha = run.proposals.get(mentee=run_cohort["asha"])
    assert {
        "code": "goals.shared",
        "text": "Shared goals and interests: cardiology, paediatric.",
    } in asha.reasons
    event = AuditEvent.objects.get(action="match_run.started")
    assert event.actor == coordinator and event.detail == {
        "mode": "optimal",
        "maximize_matched": True,
    }
    assert not Mentorship.objects.exists()  # nothing is final before publishing


def test_the_run_page_shows_proposals_quality_and_who_is_unmatched(login, coordinator, run_cohort):
    program = run_cohort["program"]
    Enrollment.objects.filter(user=run_cohort["meera"]).update(capacity=1)
    client = login(coordinator)
    start(client, program, mode="stable")
    run = MatchRun.objects.get()
    assert run.stats["matched"] == 2
    page = client.get(f"/programs/{program.code}/runs/{run.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Match run: Stable (nobody would rather swap)" in text
    assert "Shared goals and interests: cardiology, paediatric." in text
    assert "<td>2 / 3</td>" not in text and "2 / 3" in text
    assert f'src="/programs/{program.code}/runs/{run.code}/quality.svg"' in text
    assert (
        "Lina Das: Every suitable mentor&#x27;s places went to mentees that mentor ranked higher."
        in text
    )
    assert "Publish these matches" in text
    assert 'style="' not in text
    chart = client.get(f"/programs/{program.code}/runs/{run.code}/quality.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content and b"Match quality" in chart.content


def test_progress_partial_for_htmx(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    part = client.get(
        f"/programs/{program.code}/runs/{run.code}/?part=progress", headers={"HX-Request": "true"}
    )
    text = part.content.decode()
    assert text.startswith('<div id="run-progress"') and "Draft proposals" in text
    assert "hx-trigger" not in text  # finished runs stop polling


def test_locked_and_forbidden_pairs_shape_the_next_run(login, coordinator, run_cohort):
    program, asha, ravi = run_cohort["program"], run_cohort["asha"], run_cohort["ravi"]
    vikram, meera = run_cohort["vikram"], run_cohort["meera"]
    client = login(coordinator)
    start(client, program)
    first = MatchRun.objects.get()
    url = f"/programs/{program.code}/runs/rules/"
    response = client.post(
        url, {"mentee": asha.code, "mentor": vikram.code, "kind": "forbid", "run": first.code}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.code}/runs/{first.code}/"
    client.post(url, {"mentee": ravi.code, "mentor": vikram.code, "kind": "lock"})
    assert set(PairRule.objects.values_list("mentee__full_name", "kind")) == {
        ("Asha Raman", "forbid"),
        ("Ravi Kumar", "lock"),
    }
    text = client.get(f"/programs/{program.code}/runs/{first.code}/").content.decode()
    assert "Forbidden: re-run" in text
    start(client, program)
    first.refresh_from_db()
    second = MatchRun.objects.exclude(pk=first.pk).get()
    assert first.status == "discarded"
    assert ("Ravi Kumar", "Vikram Mehta") in pairs(second)
    assert ("Asha Raman", "Meera Iyer") in pairs(second)
    assert second.proposals.get(mentee=ravi).locked
    assert second.stats["locked"] == 1 and second.stats["forbidden"] == 1
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions.count("pair_rule.forbidden") == 1 and actions.count("pair_rule.locked") == 1
    # Clearing a rule.
    client.post(url, {"mentee": asha.code, "mentor": vikram.code, "kind": ""})
    assert not PairRule.objects.filter(mentee=asha).exists()
    assert AuditEvent.objects.filter(action="pair_rule.cleared").count() == 1
    del meera


def test_a_lock_cannot_exceed_the_mentors_free_places(login, coordinator, run_cohort):
    program, vikram = run_cohort["program"], run_cohort["vikram"]
    client = login(coordinator)
    url = f"/programs/{program.code}/runs/rules/"
    client.post(url, {"mentee": run_cohort["asha"].code, "mentor": vikram.code, "kind": "lock"})
    response = client.post(
        url, {"mentee": run_cohort["ravi"].code, "mentor": vikram.code, "kind": "lock"}
    )
    assert response.status_code == 409
    assert (
        "This mentor has no free place left for another locked pair." in response.content.decode()
    )
    assert PairRule.objects.count() == 1


def test_bad_rule_input_is_refused(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    url = f"/programs/{program.code}/runs/rules/"
    asha, uma = run_cohort["asha"], run_cohort["uma"]
    assert (
        client.post(url, {"mentee": "nobody", "mentor": uma.code, "kind": "lock"}).status_code
        == 404
    )
    bad_kind = client.post(
        url, {"mentee": asha.code, "mentor": run_cohort["vikram"].code, "kind": "x"}
    )
    assert bad_kind.status_code == 422
    same = client.post(url, {"mentee": asha.code, "mentor": asha.code, "kind": "forbid"})
    assert same.status_code == 422
    reversed_roles = client.post(
        url, {"mentee": run_cohort["vikram"].code, "mentor": asha.code, "kind": "forbid"}
    )
    assert reversed_roles.status_code == 422
    assert "Both people must be approved participants." in reversed_roles.content.decode()
    assert not PairRule.objects.exists()
    assert start(client, program, mode="bogus").status_code == 422
    assert not MatchRun.objects.exists()


def test_swapping_a_mentor_locks_the_new_pair(login, coordinator, run_cohort):
    program, asha, meera = run_cohort["program"], run_cohort["asha"], run_cohort["meera"]
    client = login(coordinator)
    Enrollment.objects.filter(user=meera).update(capacity=3)
    start(client, program)
    run = MatchRun.objects.get()
    url = f"/programs/{program.code}/runs/{run.code}/proposals/{asha.code}/"
    response = client.post(url, {"mentor": meera.code})
    assert response.status_code == 302
    proposal = run.proposals.get(mentee=asha)
    assert proposal.mentor == meera and proposal.locked
    assert PairRule.objects.get(mentee=asha).kind == "lock"
    event = AuditEvent.objects.get(action="match_proposal.edited")
    assert event.detail == {
        "mentee": asha.code,
        "from": run_cohort["vikram"].code,
        "to": meera.code,
    }
    # The unverified mentor cannot be given; nothing changes.
    refused = client.post(url, {"mentor": run_cohort["uma"].code})
    assert refused.status_code == 422
    assert run.proposals.get(mentee=asha).mentor == meera


def test_a_swap_cannot_overfill_a_mentor_in_the_run(login, coordinator, run_cohort):
    program, lina, vikram = run_cohort["program"], run_cohort["lina"], run_cohort["vikram"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    response = client.post(
        f"/programs/{program.code}/runs/{run.code}/proposals/{lina.code}/", {"mentor": vikram.code}
    )
    assert response.status_code == 409
    assert run.proposals.get(mentee=lina).mentor == run_cohort["meera"]


def test_publishing_creates_every_mentorship_and_tells_everyone(
    login, coordinator, run_cohort, django_capture_on_commit_callbacks
):
    from carementor.notifications.models import Notification

    program = run_cohort["program"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "published" and run.published_at is not None
    assert Mentorship.objects.filter(program=program, source="match_run").count() == 3
    assert Enrollment.objects.get(user=run_cohort["meera"]).seats_taken == 2
    assert Enrollment.objects.get(user=run_cohort["vikram"]).seats_taken == 1
    assert AuditEvent.objects.get(action="match_run.published").detail == {
        "mentorships": 3,
        "unmatched": 0,
    }
    told = set(Notification.objects.values_list("recipient__full_name", flat=True))
    assert {"Asha Raman", "Ravi Kumar", "Lina Das", "Vikram Mehta", "Meera Iyer"} <= told
    again = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert again.status_code == 409
    assert Mentorship.objects.count() == 3
    # A new run finds nobody left to match.
    start(client, program)
    assert MatchRun.objects.latest("created_at").stats["mentees"] == 0


def test_a_crash_mid_publish_resumes_without_duplicates(
    login, coordinator, run_cohort, monkeypatch
):
    program = run_cohort["program"]
    start(login(coordinator), program)
    run = MatchRun.objects.get()
    monkeypatch.setattr(publishing, "CHUNK", 1)  # one proposal per transaction
    real, calls = publishing.publish_chunk, []

    def crash_after_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing, "publish_chunk", crash_after_first)
    with pytest.raises(RuntimeError):
        runs.run_publish(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == "publishing" and run.progress_done == 1 and run.progress_total == 3
    assert Mentorship.objects.count() == 1  # the first chunk stands
    assert not AuditEvent.objects.filter(action="match_run.published").exists()
    # Starting another run or editing this one waits for the publication.
    with pytest.raises(runs.MatchError):
        runs.run_start(program=program, actor=coordinator, mode="optimal")
    monkeypatch.setattr(publishing, "publish_chunk", real)
    out = io.StringIO()
    call_command("matching_resume_publishing", stdout=out)  # the scheduler hands it back
    assert out.getvalue().strip() == "resumed 1"
    publishing.publish_execute(run.pk)  # and a stray delivery: nothing changes
    run.refresh_from_db()
    assert run.status == "published" and run.progress_done == 3
    assert Mentorship.objects.count() == 3
    assert MentorshipParty.objects.filter(role="mentee").count() == 3
    assert Enrollment.objects.get(user=run_cohort["meera"]).seats_taken == 2
    assert Enrollment.objects.get(user=run_cohort["vikram"]).seats_taken == 1
    assert AuditEvent.objects.filter(action="mentorship.created").count() == 3
    assert AuditEvent.objects.filter(action="match_run.published").count() == 1
    assert set(run.proposals.values_list("mentorship_code", flat=True)) == set(
        Mentorship.objects.values_list("code", flat=True)
    )


def test_publishing_twice_publishes_once(login, coordinator, run_cohort):
    from carementor.notifications.models import Notification

    program = run_cohort["program"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    runs.run_publish(run=run, actor=coordinator)
    with pytest.raises(runs.MatchError) as info:
        runs.run_publish(run=run, actor=coordinator)
    assert info.value.code == "status"
    publishing.publish_execute(run.pk)  # a stray task delivery
    assert Mentorship.objects.count() == 3
    # One message per person: Meera mentors two mentees and hears once.
    meera = Notification.objects.get(recipient=run_cohort["meera"], kind="mentorship_created")
    assert meera.title == "2 new mentorships in Residents 2026: read and sign the agreements"
    assert meera.url == "/mentorships/"
    asha = Notification.objects.get(recipient=run_cohort["asha"], kind="mentorship_created")
    assert (
        asha.url == f"/mentorships/{Mentorship.objects.get(parties__user=run_cohort['asha']).code}/"
    )


def test_a_mentor_filled_while_publishing_is_skipped_not_overbooked(
    login, coordinator, run_cohort, monkeypatch
):
    """Between the check and a chunk a request takes Meera's last place: her second proposal
    is skipped and reported, and its mentee hears that the coordinator will be in touch."""
    from carementor.notifications.models import Notification

    program = run_cohort["program"]
    start(login(coordinator), program)
    run = MatchRun.objects.get()
    real = publishing.publish_chunk

    def request_accepted_meanwhile(*args, **kwargs):
        Enrollment.objects.filter(user=run_cohort["meera"]).update(capacity=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing, "publish_chunk", request_accepted_meanwhile)
    runs.run_publish(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == "published"
    assert Mentorship.objects.count() == 2
    assert Enrollment.objects.get(user=run_cohort["meera"]).seats_taken == 1
    skipped = run.proposals.exclude(skipped="").get()
    assert skipped.skipped == "full" and skipped.mentor == run_cohort["meera"]
    assert run.stats["skipped"] == 1 and run.stats["published"] == 2
    assert AuditEvent.objects.get(action="match_run.published").detail == {
        "mentorships": 2,
        "unmatched": 0,
        "skipped": 1,
    }
    assert Notification.objects.filter(
        recipient=skipped.mentee, kind="match_run_unmatched"
    ).exists()


def test_large_publications_go_to_the_background_task(
    login, coordinator, run_cohort, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(runs, "INLINE_PUBLISH", 0)
    program = run_cohort["program"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "publishing" and not Mentorship.objects.exists()
    page = client.get(
        f"/programs/{program.code}/runs/{run.code}/?part=progress", HTTP_HX_REQUEST="true"
    )
    assert b"Publishing" in page.content and b'hx-trigger="every 2s"' in page.content
    api = client.get(f"/api/v1/programs/{program.code}/runs/{run.code}")
    assert api.json()["status"] == "publishing" and api.json()["progress_total"] == 3
    for callback in callbacks:
        callback()  # the worker picks it up
    run.refresh_from_db()
    assert run.status == "published" and run.progress_done == 3
    assert Mentorship.objects.count() == 3


def test_publishing_rechecks_capacity(login, coordinator, run_cohort):
    program = run_cohort["program"]
    client = login(coordinator)
    start(client, program)
    run = MatchRun.objects.get()
    Enrollment.objects.filter(user=run_cohort["meera"]).update(capacity=1)
    response = client.post(f"/programs/{program.code}/runs/{run.code}/publish/")
    assert response.status_code == 409
    assert "Meera Iyer has no free places left" in response.content.decode()
    run.refresh_from_db()
    assert run.status == "draft" and not Mentorship.objects.exists()


def test_member_gets_403_and_outsider_404(login, mentee, outsider, run_cohort, coordinator):
    program = run_cohort["program"]
    start(login(coordinator), program)
    run = MatchRun.objects.get()
    urls = [
        ("get", f"/programs/{program.code}/runs/"),
        ("get", f"/programs/{program.code}/runs/{run.code}/"),
        ("get", f"/programs/{program.code}/runs/{run.code}/quality.svg"),
        ("post", f"/programs/{program.code}/runs/start/"),
        ("post", f"/programs/{program.code}/runs/{run.code}/publish/"),
        ("post", f"/programs/{program.code}/runs/rules/"),
        ("post", f"/programs/{program.code}/runs/pair/"),
        ("post", f"/programs/{program.code}/runs/{run.code}/proposals/{mentee.code}/"),
    ]
    for user, status in ((mentee, 403), (outsider, 404)):
        client = login(user)
        for method, url in urls:
            assert getattr(client, method)(url, {"mode": "optimal"}).status_code == status, (
                user,
                url,
            )
    assert MatchRun.objects.count() == 1 and not Mentorship.objects.exists()
    assert MatchRun.objects.get().status == "draft"


def test_large_runs_go_to_the_background_task(
    login, coordinator, run_cohort, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(runs, "INLINE_PAIRS", 0)
    program = run_cohort["program"]
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.run_start(program=program, actor=coordinator, mode="optimal")
    assert run.status == "queued"  # as the request saw it
    run.refresh_from_db()
    assert run.status == "draft" and run.progress_done == run.progress_total == 3
    runs.run_execute(run.pk)  # a second delivery changes nothing
    assert MatchProposal.objects.filter(run=run).count() == 3


def test_a_second_run_cannot_start_while_one_is_running(coordinator, run_cohort):
    program = run_cohort["program"]
    MatchRun.objects.create(program=program, status="running")
    with pytest.raises(runs.MatchError) as info:
        runs.run_start(program=program, actor=coordinator, mode="stable")
    assert info.value.code == "busy"


def test_a_failing_run_is_marked_failed(coordinator, run_cohort, monkeypatch):
    def boom(run, progress=None):
        raise ValueError("locked pairs exceed a mentor's capacity")

    monkeypatch.setattr(runs.cohort_run, "compute", boom)
    run = runs.run_start(program=run_cohort["program"], actor=coordinator, mode="stable")
    assert run.status == "failed" and run.error == "locked pairs exceed a mentor's capacity"
