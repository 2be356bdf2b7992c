"""Module pages: the programme's learning page, one module, progress, the editor, documents."""

import io

import pytest
from pypdf import PdfWriter

from carementor.audit.models import AuditEvent
from carementor.learning import services
from carementor.learning.models import Block, Module, ModuleProgress


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def module(program, coordinator):
    module = services.module_create(
        program=program,
        actor=coordinator,
        data={"title": "Leading the agenda", "audience": "mentees", "required": True},
    )
    services.block_add(
        module=module, actor=coordinator, kind="text", title="Before", body="<p>Send it early.</p>"
    )
    return module


def test_participant_sees_modules_and_what_remains(login, program, module, mentee):
    response = login(mentee).get(f"/learning/programs/{program.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Leading the agenda" in body
    assert "What this programme asks of you" in body
    assert "Add from the CareMentor library" not in body


def test_opening_a_module_records_it_and_completing_marks_done(login, module, mentee):
    client = login(mentee)
    response = client.get(f"/learning/modules/{module.code}/")
    assert response.status_code == 200
    assert "Send it early." in response.content.decode()
    progress = ModuleProgress.objects.get(module=module, user=mentee)
    assert progress.completed_at is None

    response = client.post(f"/learning/modules/{module.code}/complete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Completed" in response.content.decode()
    progress.refresh_from_db()
    assert progress.completed_at is not None
    assert AuditEvent.objects.filter(action="learning.module_completed", actor=mentee).exists()


def test_marking_a_block_done_with_htmx(login, module, mentee):
    block = module.blocks.get()
    response = login(mentee).post(
        f"/learning/modules/{module.code}/blocks/{block.code}/done/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="done-{block.code}"' in response.content.decode()
    assert ModuleProgress.objects.get(module=module, user=mentee).blocks_done == [block.code]


def test_member_not_taking_part_gets_403(login, hospital, module, reviewer):
    client = login(reviewer)
    assert client.get(f"/learning/modules/{module.code}/").status_code == 403
    assert client.get(f"/learning/programs/{module.program.code}/").status_code == 403


def test_participant_cannot_edit(login, module, mentee):
    client = login(mentee)
    assert client.get(f"/learning/modules/{module.code}/edit/").status_code == 403
    response = client.post(f"/learning/modules/{module.code}/delete/")
    assert response.status_code == 403
    assert Module.objects.filter(pk=module.pk).exists()


def test_outsider_gets_404_everywhere(client, login, program, module, outsider):
    block = module.blocks.get()
    c = login(outsider)
    for url in [
        f"/learning/programs/{program.code}/",
        f"/learning/modules/{module.code}/",
        f"/learning/modules/{module.code}/edit/",
        f"/learning/modules/{module.code}/blocks/{block.code}/edit/",
        f"/learning/modules/{module.code}/blocks/{block.code}/file/",
        f"/learning/programs/{program.code}/modules/new/",
    ]:
        assert c.get(url).status_code == 404, url
    for url in [
        f"/learning/modules/{module.code}/complete/",
        f"/learning/modules/{module.code}/delete/",
        f"/learning/modules/{module.code}/move/",
        f"/learning/modules/{module.code}/blocks/",
        f"/learning/modules/{module.code}/blocks/{block.code}/done/",
        f"/learning/programs/{program.code}/library/",
    ]:
        assert c.post(url).status_code == 404, url
    assert Module.objects.filter(pk=module.pk).exists()
    assert not ModuleProgress.objects.filter(user=outsider).exists()


def test_coordinator_creates_module_and_adds_content(login, program, coordinator):
    client = login(coordinator)
    response = client.post(
        f"/learning/programs/{program.code}/modules/new/",
        {"title": "Handover", "summary": "", "audience": "everyone", "minutes": 10},
    )
    module = Module.objects.get(title="Handover")
    assert response.status_code == 302
    response = client.post(
        f"/learning/modules/{module.code}/blocks/",
        {
            "kind": "text",
            "title": "Why",
            "body": '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a></p>',
            "url": "",
        },
    )
    assert response.status_code == 302
    block = module.blocks.get()
    assert "script" not in block.body_html
    assert "onclick" not in block.body_html
    assert "javascript:" not in block.body_html

    response = client.post(
        f"/learning/modules/{module.code}/blocks/",
        {"kind": "video", "title": "Watch", "body": "", "url": "https://evil.example/v.mp4"},
    )
    assert response.status_code == 422
    assert "Only YouTube and Vimeo" in response.content.decode()
    assert module.blocks.count() == 1


def test_document_upload_is_sniffed_and_served_as_attachment(
    login, module, coordinator, mentee, private_media
):
    client = login(coordinator)
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "notes.pdf"
    response = client.post(
        f"/learning/modules/{module.code}/blocks/",
        {"kind": "document", "title": "Notes", "document": fake},
    )
    assert response.status_code == 422
    assert not module.blocks.filter(kind="document").exists()
    assert not (private_media / "learning").exists() or not any(
        (private_media / "learning").rglob("*")
    )

    real = io.BytesIO(_pdf())
    real.name = "agenda-template.pdf"
    response = client.post(
        f"/learning/modules/{module.code}/blocks/",
        {"kind": "document", "title": "Template", "document": real},
    )
    assert response.status_code == 302
    block = module.blocks.get(kind=Block.Kind.DOCUMENT)
    assert block.storage_name and not str(private_media).startswith("static")

    response = login(mentee).get(f"/learning/modules/{module.code}/blocks/{block.code}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_coordinator_reorders_modules(login, program, module, coordinator):
    second = services.module_create(program=program, actor=coordinator, data={"title": "Second"})
    response = login(coordinator).post(
        f"/learning/modules/{second.code}/move/", {"direction": "up"}
    )
    assert response.status_code == 302
    assert list(Module.objects.filter(program=program).values_list("title", flat=True)) == [
        "Second",
        "Leading the agenda",
    ]


def test_library_add_copies_a_module_once(login, program, coordinator):
    client = login(coordinator)
    url = f"/learning/programs/{program.code}/library/"
    assert client.post(url, {"slug": "mentor-psychological-safety"}).status_code == 302
    module = Module.objects.get(program=program, library_slug="mentor-psychological-safety")
    assert module.audience == "mentors" and module.blocks.count() == 3
    client.post(url, {"slug": "mentor-psychological-safety"})
    assert Module.objects.filter(program=program).count() == 1
    assert client.post(url, {"slug": "no-such-thing"}).status_code == 404


def test_learning_page_lists_modules_in_constant_queries(
    login, program, coordinator, mentee, django_assert_max_num_queries
):
    for n in range(20):
        m = services.module_create(program=program, actor=coordinator, data={"title": f"M{n}"})
        services.module_open(module=m, user=mentee)
    client = login(mentee)
    client.get(f"/learning/programs/{program.code}/")
    with django_assert_max_num_queries(26):
        response = client.get(f"/learning/programs/{program.code}/")
    assert response.content.decode().count("/learning/modules/") >= 20


def test_learning_home_lists_my_programmes_only(login, program, mentee, outsider, hospital):
    from carementor.learning.tests.helpers import make_program

    make_program(hospital, name="Not enrolled here")
    body = login(mentee).get("/learning/").content.decode()
    assert program.name in body and "Not enrolled here" not in body
    assert program.name not in login(outsider).get("/learning/").content.decode()


def test_coordinator_edits_a_block_and_it_is_sanitised_again(login, module, coordinator):
    block = module.blocks.get()
    client = login(coordinator)
    url = f"/learning/modules/{module.code}/blocks/{block.code}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Before", "body": "<p>New<script>x</script></p>", "url": ""}
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.body_html == "<p>New</p>"
    response = client.post(
        f"/learning/modules/{module.code}/blocks/{block.code}/delete/",
    )
    assert response.status_code == 302 and not module.blocks.exists()


def test_someone_taking_both_roles_sees_two_checklists(login, hospital, coordinator):
    from carementor.learning.tests.helpers import enroll, make_program
    from carementor.lib.testing import add_member, make_user

    program = make_program(hospital)
    person = make_user("ravi@example.org", full_name="Ravi Kumar")
    add_member(person, hospital, "mentor")
    enroll(program, person, "both")
    services.module_create(
        program=program,
        actor=coordinator,
        data={"title": "Safety", "audience": "mentors", "required": True},
    )
    body = login(person).get(f"/learning/programs/{program.code}/").content.decode()
    assert "as a mentor" in body and "as a mentee" in body


def test_managers_see_how_many_completed(login, program, module, coordinator, mentee, mentor):
    services.module_complete(module=module, user=mentee)
    services.module_open(module=module, user=mentor)
    body = login(coordinator).get(f"/learning/programs/{program.code}/").content.decode()
    assert "1 person" in body and "Your progress" not in body


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ],
)
def test_videos_play_in_a_privacy_enhanced_player_the_policy_allows(
    login, module, coordinator, mentee, url, player
):
    services.block_add(module=module, actor=coordinator, kind="video", title="Agenda", url=url)
    response = login(mentee).get(f"/learning/modules/{module.code}/")
    body = response.content.decode()
    # Inside a closed <details> and lazy: nothing loads from the video site until opened.
    assert '<details class="video">' in body
    assert f'<iframe src="{player.replace("&", "&amp;")}" title="Agenda" loading="lazy"' in body
    host = player.split("/")[2]
    frame_src = next(d for d in response["Content-Security-Policy"].split(";") if "frame-src" in d)
    assert f"https://{host}" in frame_src.split()


def test_deleting_a_module_asks_first_and_says_whose_progress_goes(
    login, module, coordinator, mentee
):
    services.module_complete(module=module, user=mentee)
    client = login(coordinator)
    page = client.get(f"/learning/modules/{module.code}/delete/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "1 person has opened this module" in body and "1 completed it" in body
    assert Module.objects.filter(pk=module.pk).exists()
    assert login(mentee).get(f"/learning/modules/{module.code}/delete/").status_code == 403
    response = login(coordinator).post(f"/learning/modules/{module.code}/delete/")
    assert response.status_code == 302
    assert not Module.objects.filter(pk=module.pk).exists()
