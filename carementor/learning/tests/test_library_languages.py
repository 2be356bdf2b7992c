"""The shipped library in Hindi: every module and quiz has Hindi texts, shown to a Hindi
reader and copied in Hindi by a Hindi-speaking coordinator; answers stay the English file's."""

import json

import pytest

from carementor.learning import library
from carementor.learning.models import Module, Quiz

ENGLISH = {
    filename: json.loads((library.LIBRARY_DIR / filename).read_text(encoding="utf-8"))
    for filename in ("modules.json", "quizzes.json")
}


@pytest.mark.parametrize("filename", ["modules.json", "quizzes.json"])
def test_every_entry_is_wholly_in_hindi(filename):
    hindi = library.read_translation("hi", filename)
    assert set(hindi) == {row["slug"] for row in ENGLISH[filename]}
    for row in ENGLISH[filename]:
        texts = hindi[row["slug"]]
        assert texts["title"] and (texts.get("summary") or texts.get("instructions"))
        for block, text in zip(row.get("blocks", []), texts.get("blocks", []), strict=True):
            assert text["title"], row["slug"]
            assert bool(text.get("html")) == bool(block.get("html")), row["slug"]
        for question, text in zip(
            row.get("questions", []), texts.get("questions", []), strict=True
        ):
            assert text["prompt"] and text["explanation"], row["slug"]
            assert len(text.get("choices", [])) == len(question.get("choices", [])), row["slug"]


def test_translation_keeps_the_right_answers_and_links():
    english = {entry.slug: entry for entry in library.entries("en")}
    for entry in library.entries("hi"):
        source = english[entry.slug].data
        for question, original in zip(
            entry.data.get("questions", []), source.get("questions", []), strict=True
        ):
            assert [ok for _text, ok in question.get("choices", [])] == [
                ok for _text, ok in original.get("choices", [])
            ]
            assert question.get("answer") == original.get("answer")
        assert [b.get("url") for b in entry.data.get("blocks", [])] == [
            b.get("url") for b in source.get("blocks", [])
        ]
    assert library.entries("xx") == library.entries("en")


@pytest.mark.django_db
def test_a_hindi_coordinator_sees_and_copies_the_library_in_hindi(login, program, coordinator):
    coordinator.language = "hi"
    coordinator.save(update_fields=["language"])
    client = login(coordinator)
    body = client.get(f"/learning/programs/{program.code}/").content.decode()
    assert "पहली बैठक में अपेक्षाएँ तय करना" in body
    assert "Setting expectations at the first meeting" not in body

    url = f"/learning/programs/{program.code}/library/"
    assert client.post(url, {"slug": "mentor-psychological-safety"}).status_code == 302
    module = Module.objects.get(program=program, library_slug="mentor-psychological-safety")
    assert module.title == "मेंटरिंग की बातचीत में मनोवैज्ञानिक सुरक्षा"
    assert "<em>क्या हुआ?</em>" in module.blocks.order_by("position")[1].body_html

    response = client.post(f"/api/v1/learning/programs/{program.code}/library/telehealth-basics")
    assert response.status_code == 201 and response.json()["title"] == "टेलीहेल्थ की बुनियादी बातें"
    quiz = Quiz.objects.get(program=program, library_slug="telehealth-basics")
    first = quiz.questions.order_by("position").first()
    assert first.prompt.startswith("हर दूरस्थ परामर्श")


@pytest.mark.django_db
def test_an_english_coordinator_gets_english(login, program, coordinator):
    client = login(coordinator)
    listed = client.get(f"/api/v1/learning/programs/{program.code}/library").json()
    assert "Setting expectations at the first meeting" in {row["title"] for row in listed}
    client.post(f"/learning/programs/{program.code}/library/", {"slug": "digital-ehr"})
    assert Module.objects.get(program=program).title == "Using the electronic health record well"
