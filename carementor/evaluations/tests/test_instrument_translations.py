"""Shipped instruments carry other languages as data (instruments/<language>/<slug>.json),
shown by the reader's language; answers are stored the same whatever the language."""

import json

import pytest

from carementor.evaluations.instruments import HERE, SHIPPED, read_instrument
from carementor.evaluations.models import Response
from carementor.evaluations.tests.core_helpers import active_mentorship, assign, full_answers
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db

TRANSLATIONS = sorted(path for path in HERE.glob("*/*.json"))


@pytest.fixture
def mentorship(hospital, mentor, mentee):  # type: ignore[no-untyped-def]
    return active_mentorship(make_program(hospital), mentor, mentee)


def test_every_shipped_instrument_is_wholly_in_hindi() -> None:
    assert {path.stem for path in HERE.glob("hi/*.json")} == set(SHIPPED)
    for slug in SHIPPED:
        english = read_instrument(slug)
        hindi = json.loads((HERE / "hi" / f"{slug}.json").read_text(encoding="utf-8"))
        assert set(hindi["items"]) == {item["key"] for item in english["items"]}, slug
        assert set(hindi["domains"]) == {domain["key"] for domain in english["domains"]}, slug
        assert hindi["name"] and hindi["description"] and hindi["likert"], slug


@pytest.mark.parametrize("path", TRANSLATIONS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_each_translation_matches_its_instrument(path) -> None:  # type: ignore[no-untyped-def]
    assert path.stem in SHIPPED
    english = read_instrument(path.stem)
    translation = json.loads(path.read_text(encoding="utf-8"))
    assert set(translation) <= {"name", "description", "domains", "likert", "items"}
    assert set(translation.get("items", {})) <= {item["key"] for item in english["items"]}
    assert set(translation.get("domains", {})) <= {domain["key"] for domain in english["domains"]}
    if "likert" in translation:
        assert len(translation["likert"]) == len(english["likert"])
    assert all(text.strip() for text in translation.get("items", {}).values())


def test_a_hindi_reader_answers_in_hindi(login, mentorship, mentee):
    mentee.language = "hi"
    mentee.save(update_fields=["language"])
    assignment = assign(mentee, mentorship.program, mentorship=mentorship)
    client = login(mentee)
    url = f"/evaluations/surveys/{assignment.code}/"
    body = client.get(url).content.decode()
    assert "<h1>मेंटरिंग संबंध की गुणवत्ता</h1>" in body
    assert "<legend><h2>सहारा</h2></legend>" in body
    assert "मेरे मेंटर उन्हें ध्यान से सुनते हैं" in body
    assert "पूरी तरह सहमत" in body
    assert "My mentor listens carefully" not in body
    answers = {k: str(v) for k, v in full_answers(assignment.instrument, 5).items()}
    assert client.post(url, answers).status_code == 302
    assert Response.objects.count() == 1


def test_an_english_reader_sees_the_english_text(login, mentorship, mentee):
    assignment = assign(mentee, mentorship.program, mentorship=mentorship)
    body = login(mentee).get(f"/evaluations/surveys/{assignment.code}/").content.decode()
    assert "My mentor listens carefully to what I bring to our meetings." in body
    assert "<legend><h2>Support</h2></legend>" in body
    assert "सहारा" not in body


def test_a_hindi_reader_sees_the_outcome_survey_in_hindi(login, mentorship, mentee):
    mentee.language = "hi"
    mentee.save(update_fields=["language"])
    assignment = assign(mentee, mentorship.program, "mentee-outcomes", mentorship=mentorship)
    body = login(mentee).get(f"/evaluations/surveys/{assignment.code}/").content.decode()
    assert "<h1>मेंटी परिणाम सर्वेक्षण</h1>" in body
    assert "<legend><h2>पेशेवर अभ्यास</h2></legend>" in body
    english = read_instrument("mentee-outcomes")["items"][0]["text"]
    assert english.replace("'", "&#x27;") not in body


def test_an_organizations_own_instrument_stays_in_its_own_words(hospital):
    from django.utils import translation

    from carementor.evaluations.forms import shipped_translation
    from carementor.evaluations.models import Instrument

    shipped = Instrument.objects.get(organization=None, slug="mentee-outcomes", version=1)
    own = Instrument(organization=hospital, slug="mentee-outcomes", version=1, name="Ours")
    with translation.override("hi"):
        assert shipped_translation(shipped)["name"] == "मेंटी परिणाम सर्वेक्षण"
        assert shipped_translation(own) == {}
