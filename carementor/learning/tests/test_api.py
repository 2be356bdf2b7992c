"""Learning API: modules, blocks, progress, library and status, through the front door."""

import io
import json

from pypdf import PdfWriter

from carementor.learning import services
from carementor.learning.models import Module, ModuleProgress, Quiz


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_coordinator_builds_a_module_through_the_api(login, program, coordinator):
    client = login(coordinator)
    response = _post(
        client,
        f"/api/v1/learning/programs/{program.code}/modules",
        {"title": "Handover", "audience": "mentees", "required": True},
    )
    assert response.status_code == 201
    code = response.json()["code"]
    response = _post(
        client,
        f"/api/v1/learning/modules/{code}/blocks",
        {
            "kind": "text",
            "body": '<p>Hi<img src=x onerror="alert(1)"><script>alert(2)</script>'
            '<a href="javascript:alert(3)">bad</a><a href="https://who.int">good</a></p>',
        },
    )
    assert response.status_code == 201
    html = response.json()["body_html"]
    assert "onerror" not in html and "<script" not in html and "javascript:" not in html
    assert "<img" not in html
    assert 'rel="noopener noreferrer"' in html and "https://who.int" in html

    response = _post(
        client,
        f"/api/v1/learning/modules/{code}/blocks",
        {"kind": "video", "url": "https://youtu.be/dQw4w9WgXcQ"},
    )
    assert response.status_code == 201
    assert response.json()["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    response = _post(
        client,
        f"/api/v1/learning/modules/{code}/blocks",
        {"kind": "link", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_content"

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "guide.pdf"
    response = client.post(
        f"/api/v1/learning/modules/{code}/documents", {"file": upload, "title": "Guide"}
    )
    assert response.status_code == 201, response.content
    file_url = response.json()["file_url"]
    download = client.get(file_url)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"

    detail = client.get(f"/api/v1/learning/modules/{code}").json()
    assert [b["kind"] for b in detail["blocks"]] == ["text", "video", "document"]
    assert (
        client.patch(
            f"/api/v1/learning/modules/{code}",
            {"title": "Safe handover"},
            content_type="application/json",
        ).json()["title"]
        == "Safe handover"
    )


def test_participant_records_progress_through_the_api(login, program, coordinator, mentee):
    module = services.module_create(
        program=program, actor=coordinator, data={"title": "Welcome", "required": True}
    )
    block = services.block_add(module=module, actor=coordinator, kind="text", body="<p>Hi</p>")
    client = login(mentee)
    url = f"/api/v1/learning/modules/{module.code}/progress"
    assert _post(client, url, {"action": "open"}).json()["completed_at"] is None
    assert _post(client, url, {"action": "block_done", "block": block.code}).json()[
        "blocks_done"
    ] == [block.code]
    assert _post(client, url, {"action": "block_done", "block": "nope"}).status_code == 422
    assert _post(client, url, {"action": "complete"}).json()["completed_at"] is not None
    status = client.get(f"/api/v1/learning/programs/{program.code}/status").json()
    assert status == {
        "role": "mentee",
        "complete": True,
        "modules": [{"code": module.code, "title": "Welcome", "done": True}],
        "quizzes": [],
    }
    # Participants cannot change modules.
    assert (
        _post(
            client, f"/api/v1/learning/modules/{module.code}/blocks", {"kind": "text", "body": "x"}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/learning/modules/{module.code}").status_code == 403


def test_library_through_the_api_offers_digital_first(login, hospital, coordinator):
    from carementor.learning.tests.helpers import make_program

    program = make_program(hospital, focus="digital", template="digital-adoption")
    client = login(coordinator)
    offers = client.get(f"/api/v1/learning/programs/{program.code}/library").json()
    assert offers[0]["track"] == "digital"
    response = _post(client, f"/api/v1/learning/programs/{program.code}/library/telehealth-basics")
    assert response.status_code == 201 and response.json()["kind"] == "quiz"
    quiz = Quiz.objects.get(code=response.json()["code"])
    assert quiz.questions.count() == 6 and quiz.draw_count == 5
    again = _post(client, f"/api/v1/learning/programs/{program.code}/library/telehealth-basics")
    assert again.status_code == 409
    assert (
        _post(client, f"/api/v1/learning/programs/{program.code}/library/nope").status_code == 404
    )


def test_outsider_gets_404_on_module_api(login, program, coordinator, outsider):
    module = services.module_create(program=program, actor=coordinator, data={"title": "M"})
    block = services.block_add(module=module, actor=coordinator, kind="text", body="<p>x</p>")
    client = login(outsider)
    for url in [
        f"/api/v1/learning/programs/{program.code}/modules",
        f"/api/v1/learning/programs/{program.code}/library",
        f"/api/v1/learning/programs/{program.code}/status",
        f"/api/v1/learning/modules/{module.code}",
        f"/api/v1/learning/modules/{module.code}/blocks/{block.code}/file",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/api/v1/learning/programs/{program.code}/modules",
        f"/api/v1/learning/programs/{program.code}/library/digital-ehr",
        f"/api/v1/learning/modules/{module.code}/progress",
        f"/api/v1/learning/modules/{module.code}/blocks",
        f"/api/v1/learning/modules/{module.code}/move",
    ]:
        assert (
            _post(
                client, url, {"action": "complete", "title": "x", "kind": "text", "direction": "up"}
            ).status_code
            == 404
        ), url
    assert client.delete(f"/api/v1/learning/modules/{module.code}").status_code == 404
    assert Module.objects.filter(pk=module.pk).exists()
    assert not ModuleProgress.objects.exists()


def test_module_list_api_in_constant_queries(
    login, program, coordinator, mentee, django_assert_max_num_queries
):
    for n in range(30):
        m = services.module_create(program=program, actor=coordinator, data={"title": f"M{n}"})
        services.module_complete(module=m, user=mentee)
    client = login(mentee)
    with django_assert_max_num_queries(16):
        response = client.get(f"/api/v1/learning/programs/{program.code}/modules?limit=50")
    assert response.json()["count"] == 30
    assert all(item["progress"]["completed_at"] for item in response.json()["items"])


def test_my_learning_programmes(login, program, hospital, mentee, outsider):
    from carementor.learning.tests.helpers import make_program

    make_program(hospital, name="Not enrolled here")
    services.module_create(program=program, actor=None, data={"title": "M"})
    data = login(mentee).get("/api/v1/learning/programs").json()
    assert data["count"] == 1
    assert data["items"][0] == {
        "code": program.code,
        "name": program.name,
        "organization": hospital.code,
        "modules": 1,
        "quizzes": 0,
    }
    assert login(outsider).get("/api/v1/learning/programs").json()["count"] == 0
