from carementor.audit.models import AuditEvent
from carementor.programs.models import EnrollmentQuestion, Program
from carementor.programs.tests.conftest import make_program


def test_it_lists_published_programmes_to_members(login, mentee, program, draft):
    response = login(mentee).get("/programs/")
    assert response.status_code == 200
    assert b"Paediatric career mentoring" in response.content
    assert b"Draft scheme" not in response.content
    assert b"New programme" not in response.content


def test_it_lists_drafts_to_coordinators(login, coordinator, program, draft):
    response = login(coordinator).get("/programs/")
    assert b"Draft scheme" in response.content
    assert b"New programme" in response.content


def test_outsider_sees_nothing(login, outsider, program, draft):
    client = login(outsider)
    assert b"Paediatric career mentoring" not in client.get("/programs/").content
    for url in [
        f"/programs/{program.code}/",
        f"/programs/{program.code}/edit/",
        f"/programs/{program.code}/participants/",
        f"/programs/{program.code}/import/",
        f"/programs/{draft.code}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/programs/{program.code}/status/", {"status": "closed"}).status_code == 404
    assert client.post(f"/programs/{program.code}/apply/", {"role": "mentee"}).status_code == 404


def test_member_cannot_see_a_draft_or_manage(login, mentee, program, draft):
    client = login(mentee)
    assert client.get(f"/programs/{draft.code}/").status_code == 404
    assert client.get(f"/programs/{program.code}/edit/").status_code == 403
    assert client.post(f"/programs/{program.code}/status/", {"status": "closed"}).status_code == 403
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED


def test_coordinator_creates_from_the_digital_template(login, coordinator, hospital):
    client = login(coordinator)
    page = client.get("/programs/new/?template=digital-adoption")
    assert page.status_code == 200
    assert b"Digital-technology adoption coaching" in page.content
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["weights"] = '{"competency": 0.3, "specialty": 0.1}'
    data["roles"] = ["coach", "peer"]
    data["template"] = "digital-adoption"
    for name in [
        "max_open_requests",
        "request_expiry_days",
        "request_reminder_days",
        "pause_after_ignored",
        "cpd_hours_mentee",
        "cpd_hours_mentor",
    ]:
        data.setdefault(name, form.fields[name].initial or 1)
    data.pop("focus_competencies", None)
    response = client.post("/programs/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    program = Program.objects.get()
    assert response["Location"] == f"/programs/{program.code}/"
    assert program.organization == hospital
    assert program.status == Program.Status.DRAFT
    assert program.format == "reverse"
    assert program.focus == "digital"
    assert program.template == "digital-adoption"
    assert "confidential" in program.agreement_template.lower()
    codes = set(program.focus_competencies.values_list("code", flat=True))
    assert {"ehr-use", "telehealth", "ai-tools"} <= codes
    assert EnrollmentQuestion.objects.filter(program=program).count() == 2
    assert AuditEvent.objects.filter(action="program.created", target_id=program.code).exists()


def test_create_rejects_bad_weights_and_dates(login, coordinator):
    response = login(coordinator).post(
        "/programs/new/",
        {
            "name": "X",
            "format": "one_to_one",
            "focus": "career",
            "matching_mode": "self",
            "verification_kind": "licence",
            "default_mentor_capacity": 2,
            "circle_size": 6,
            "max_open_requests": 0,
            "request_expiry_days": 14,
            "request_reminder_days": 7,
            "pause_after_ignored": 3,
            "meeting_cadence_days": 30,
            "weights": '{"charm": 1}',
            "starts_on": "2027-05-01",
            "ends_on": "2027-01-01",
            "cpd_hours_mentee": 0,
            "cpd_hours_mentor": 0,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "weights" in errors and "ends_on" in errors and "max_open_requests" in errors
    assert not Program.objects.exists()


def test_mentee_cannot_create(login, mentee):
    assert login(mentee).get("/programs/new/").status_code == 403


def test_status_transitions(login, coordinator, draft):
    client = login(coordinator)
    assert client.post(f"/programs/{draft.code}/status/", {"status": "closed"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"  # draft → closed is not allowed
    for status in ["published", "closed", "archived"]:
        client.post(f"/programs/{draft.code}/status/", {"status": status})
        draft.refresh_from_db()
        assert draft.status == status
    assert draft.published_at is not None
    assert AuditEvent.objects.filter(action="program.archived").count() == 1


def test_edit_saves(login, org_admin, program):
    client = login(org_admin)
    page = client.get(f"/programs/{program.code}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(name="Renamed", weights="{}", roles=[])
    for m2m in ("eligible_professions", "eligible_career_stages", "focus_competencies"):
        data[m2m] = []
    response = client.post(f"/programs/{program.code}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    program.refresh_from_db()
    assert program.name == "Renamed"


def test_questions_add_and_remove(login, coordinator, program):
    client = login(coordinator)
    bad = client.post(
        f"/programs/{program.code}/questions/",
        {"prompt": "Shift?", "kind": "choice", "choices": "A"},
    )
    assert bad.status_code == 400
    assert not program.questions.exists()
    ok = client.post(
        f"/programs/{program.code}/questions/",
        {"prompt": "Shift?", "kind": "choice", "choices": "Day\nNight", "required": "on"},
    )
    assert ok.status_code == 302
    question = program.questions.get()
    assert question.choices == ["Day", "Night"] and question.required
    client.post(f"/programs/{program.code}/questions/{question.code}/delete/")
    assert not program.questions.exists()


def test_other_organizations_programme_is_404_even_for_staff_like_roles(login, outsider, trust):
    mine = make_program(trust, name="Leeds EHR coaching")
    assert login(outsider).get(f"/programs/{mine.code}/").status_code == 200
