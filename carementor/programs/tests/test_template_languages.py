"""Programme templates are shown, and start programmes, in the coordinator's language."""

from django.utils import translation

from carementor.programs.catalog import TEMPLATES
from carementor.programs.models import EnrollmentQuestion, Program


def hindi(text: str) -> str:
    with translation.override("hi"):
        found = translation.gettext(text)
    assert found != text, f"no Hindi for {text!r}"
    return found


def test_every_template_text_has_hindi():
    for template in TEMPLATES.values():
        with translation.override("hi"):
            initial = template.initial()
            prompts = [str(q["prompt"]) for q in template.questions]
        with translation.override("en"):
            english = template.initial()
            english_prompts = [str(q["prompt"]) for q in template.questions]
        assert initial["name"] != english["name"] and initial["summary"] != english["summary"]
        assert initial["agreement_template"] != english["agreement_template"]
        assert str(template.meeting_cadence_days) in initial["agreement_template"]
        assert all(a != b for a, b in zip(prompts, english_prompts, strict=True))


def test_a_hindi_coordinator_starts_from_a_hindi_template(login, coordinator, hospital):
    coordinator.language = "hi"
    coordinator.save(update_fields=["language"])
    client = login(coordinator)
    page = client.get("/programs/new/?template=digital-adoption")
    assert hindi("Digital-technology adoption coaching") in page.content.decode()
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
    assert client.post("/programs/new/", data).status_code == 302
    program = Program.objects.get()
    assert program.name == hindi("Digital-technology adoption coaching")
    prompts = set(
        EnrollmentQuestion.objects.filter(program=program).values_list("prompt", flat=True)
    )
    assert hindi("Which tools do you use every day at work?") in prompts

    listed = client.get("/api/v1/programs/templates").json()
    assert hindi("Career mentoring (one-to-one)") in {row["name"] for row in listed}
