"""Pages: my surveys, answering, the instrument library and builder, a programme's schedule."""

import pytest

from carementor.evaluations.models import HasResponded, Instrument, Response, ScheduleEntry
from carementor.evaluations.tests.core_helpers import active_mentorship, assign, full_answers
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hospital):
    return make_program(hospital)


@pytest.fixture
def mentorship(program, mentor, mentee):
    return active_mentorship(program, mentor, mentee)


def test_my_surveys_lists_only_mine(login, program, mentorship, mentee, mentor):
    mine = assign(mentee, program, mentorship=mentorship)
    theirs = assign(mentor, program, "mentor-competency-self", mentorship=mentorship, role="mentor")
    body = login(mentee).get("/evaluations/surveys/").content.decode()
    assert f"/evaluations/surveys/{mine.code}/" in body
    assert theirs.code not in body
    assert "To answer" in body


def test_my_surveys_has_no_n_plus_one(
    login, program, mentorship, mentee, django_assert_max_num_queries
):
    for slug in ("relationship-quality", "psychological-safety", "mentee-outcomes"):
        assign(mentee, program, slug, mentorship=mentorship, occasion="midpoint")
    client = login(mentee)
    with django_assert_max_num_queries(12):
        assert client.get("/evaluations/surveys/").status_code == 200


def test_answer_page_groups_by_domain_and_says_who_sees_answers(login, program, mentorship, mentee):
    assignment = assign(mentee, program, mentorship=mentorship)
    body = login(mentee).get(f"/evaluations/surveys/{assignment.code}/").content.decode()
    assert body.count('<fieldset class="card">') == 2
    assert "<legend><h2>Support</h2></legend>" in body
    assert "Strongly agree" in body and 'type="radio"' in body
    assert "This survey is anonymous" in body
    assert "at least 5 people" in body


def test_answering_through_the_page(login, program, mentorship, mentee):
    assignment = assign(mentee, program, mentorship=mentorship)
    client = login(mentee)
    url = f"/evaluations/surveys/{assignment.code}/"
    partial = client.post(url, {"support_listens": "4"})
    assert partial.status_code == 422
    assert "This field is required" in partial.content.decode()
    assert not Response.objects.exists()
    answers = {k: str(v) for k, v in full_answers(assignment.instrument, 5).items()}
    assert client.post(url, answers).status_code == 302
    assert Response.objects.get().scores["total"] == pytest.approx(
        (8 * 5 + 2 * 1) / 10  # two reversed items of ten
    )
    again = client.post(url, answers, follow=True)
    assert "already answered" in again.content.decode()
    assert HasResponded.objects.count() == 1 and Response.objects.count() == 1


def test_someone_elses_survey_is_404(
    login, program, mentorship, mentee, mentor, coordinator, outsider
):
    assignment = assign(mentee, program, mentorship=mentorship)
    url = f"/evaluations/surveys/{assignment.code}/"
    for person in (mentor, coordinator, outsider):
        client = login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, full_answers(assignment.instrument)).status_code == 404
    assert not Response.objects.exists()


def test_instrument_library_for_coordinators(login, coordinator, mentee, outsider, hospital):
    body = login(coordinator).get("/evaluations/instruments/").content.decode()
    assert "Mentee outcome survey" in body and "Mentoring relationship quality" in body
    assert login(mentee).get("/evaluations/instruments/").status_code == 302


def test_builder_page_creates_an_instrument(login, coordinator, hospital, outsider):
    client = login(coordinator)
    url = f"/evaluations/instruments/new/{hospital.code}/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "name": "x",
            "respondent": "mentee",
            "anonymity": "named",
            "kind": "custom",
            "likert_labels": "No | Yes",
            "domains": "a | A | nonsense",
            "items": "a | Q",
        },
    )
    assert bad.status_code == 422 and not Instrument.objects.filter(organization=hospital).exists()
    response = client.post(
        url,
        {
            "name": "Night shift readiness",
            "respondent": "mentee",
            "anonymity": "anonymous",
            "kind": "custom",
            "likert_labels": "Never | Rarely | Often | Always",
            "domains": "ready | Readiness | practice",
            "items": "ready | I feel prepared.\nready | I panic at night. | reverse\n | Comments | text, optional",
        },
    )
    assert response.status_code == 302
    instrument = Instrument.objects.get(organization=hospital)
    items = list(instrument.items.all())
    assert [i.reverse for i in items] == [False, True, False]
    assert items[0].points == 4 and items[2].scale == "text"
    detail = client.get(response["Location"]).content.decode()
    assert "I panic at night." in detail and "reverse-scored" in detail
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(f"/evaluations/instruments/{instrument.code}/").status_code == 404


def test_import_page_requires_the_declaration(login, coordinator, hospital):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(coordinator)
    csv = b"key,text,domain\ns1,I feel supported,support\n"
    data = {
        "organization": hospital.code,
        "name": "Licensed scale",
        "anonymity": "anonymous",
        "respondent": "mentee",
        "source": "Author 2019; permission letter 2026-03",
    }
    refused = client.post(
        "/evaluations/instruments/import/", {**data, "file": SimpleUploadedFile("s.csv", csv)}
    )
    assert refused.status_code == 422
    done = client.post(
        "/evaluations/instruments/import/",
        {**data, "permission_declared": "on", "file": SimpleUploadedFile("s.csv", csv)},
    )
    assert done.status_code == 302
    assert Instrument.objects.get(organization=hospital).licence_status == "permission"


def test_schedule_page_for_managers_only(login, program, coordinator, mentee, outsider):
    url = f"/evaluations/programs/{program.code}/schedule/"
    page = login(coordinator).get(url).content.decode()
    assert "Proposed schedule" in page and "Follow-up after closure" in page
    assert login(coordinator).post(url, {"action": "defaults"}).status_code == 302
    assert ScheduleEntry.objects.filter(program=program).count() == 12
    entry = ScheduleEntry.objects.filter(program=program, occasion="pulse").get()
    assert (
        login(coordinator).post(url, {"action": "remove", "entry": entry.code}).status_code == 302
    )
    assert ScheduleEntry.objects.filter(program=program).count() == 11
    low = login(coordinator).post(url, {"action": "settings", "min_group_size": "2"})
    assert low.status_code == 422
    assert (
        login(coordinator).post(url, {"action": "settings", "min_group_size": "7"}).status_code
        == 302
    )
    from carementor.evaluations.services import min_group_size_for

    assert min_group_size_for(program) == 7
    assert login(mentee).get(url).status_code == 403
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).post(url, {"action": "defaults"}).status_code == 404
    assert ScheduleEntry.objects.filter(program=program).count() == 11


def test_copy_edit_and_archive_through_the_pages(login, coordinator, mentee, hospital):
    from carementor.evaluations.tests.core_helpers import library

    client = login(coordinator)
    shipped = library("psychological-safety")
    page = client.get(f"/evaluations/instruments/{shipped.code}/").content.decode()
    assert "CareMentor library" in page and "Copy to adapt it" in page
    assert "I worry that what I say" in page and "reverse-scored" in page
    copied = client.post(
        f"/evaluations/instruments/{shipped.code}/version/", {"organization": hospital.code}
    )
    copy = Instrument.objects.get(organization=hospital)
    assert copied["Location"] == f"/evaluations/instruments/{copy.code}/edit/"
    form = client.get(copied["Location"]).content.decode()
    assert (
        "safety | I worry that what I say in mentoring could be used against me. | reverse" in form
    )
    assert client.post(f"/evaluations/instruments/{shipped.code}/edit/").status_code == 403
    client.post(f"/evaluations/instruments/{copy.code}/archive/", {"active": "0"})
    copy.refresh_from_db()
    assert not copy.is_active
    assert (
        login(mentee)
        .post(f"/evaluations/instruments/{copy.code}/archive/", {"active": "1"})
        .status_code
        == 404
    )


def test_adding_to_the_schedule_explains_a_wrong_role(login, program, coordinator):
    from carementor.evaluations.tests.core_helpers import library

    url = f"/evaluations/programs/{program.code}/schedule/"
    client = login(coordinator)
    entry = {
        "action": "add",
        "instrument": library("mentor-competency-self").code,
        "occasion": "baseline",
        "role": "mentee",
        "months_after": "0",
        "open_days": "14",
        "reminder_days": "7",
    }
    wrong = client.post(url, entry)
    assert wrong.status_code == 422
    assert "This instrument is not written for that role." in wrong.content.decode()
    assert not ScheduleEntry.objects.exists()
    assert client.post(url, {**entry, "role": "mentor"}).status_code == 302
    assert ScheduleEntry.objects.get().role == "mentor"
