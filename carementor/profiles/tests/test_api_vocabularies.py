import pytest

from carementor.lib.timezones import timezone_names
from carementor.profiles.models import (
    CareerStage,
    Competency,
    Country,
    Language,
    Profession,
    Specialty,
)


def test_professions(login, mentee, vocab):
    response = login(mentee).get("/api/v1/vocabularies/professions")
    assert response.status_code == 200
    assert response.json() == [
        {"code": p.code, "name": p.name, "group": p.group, "is_clinical": p.is_clinical}
        for p in Profession.objects.all()
    ]
    assert {
        "code": "physician",
        "name": vocab.physician.name,
        "group": "medicine",
        "is_clinical": True,
    } in response.json()


def test_career_stages(login, mentee, vocab):
    body = login(mentee).get("/api/v1/vocabularies/career-stages").json()
    assert body == [
        {"code": s.code, "name": s.name, "rank": s.rank} for s in CareerStage.objects.all()
    ]
    assert [s["rank"] for s in body] == sorted(s["rank"] for s in body)


def test_specialties_filtered_by_profession_group(login, mentee, vocab):
    client = login(mentee)
    everything = client.get("/api/v1/vocabularies/specialties").json()
    assert len(everything) == Specialty.objects.count()
    nursing = client.get("/api/v1/vocabularies/specialties?profession_group=nursing").json()
    assert nursing and {s["profession_group"] for s in nursing} == {"nursing"}
    cardiology = next(s for s in everything if s["code"] == "paediatric-cardiology")
    assert cardiology == {
        "code": "paediatric-cardiology",
        "name": vocab.paediatric_cardiology.name,
        "profession_group": "medicine",
        "parent": "paediatrics",
        "nucc_code": vocab.paediatric_cardiology.nucc_code,
    }
    assert client.get("/api/v1/vocabularies/specialties?profession_group=zzz").json() == []


def test_competencies_languages_countries_timezones(login, mentee, vocab):
    client = login(mentee)
    assert client.get("/api/v1/vocabularies/competencies").json() == [
        {"code": c.code, "name": c.name, "domain": c.domain, "is_digital": c.is_digital}
        for c in Competency.objects.all()
    ]
    assert client.get("/api/v1/vocabularies/languages").json() == [
        {"code": lang.code, "name": lang.name, "native_name": lang.native_name}
        for lang in Language.objects.all()
    ]
    assert client.get("/api/v1/vocabularies/countries").json() == [
        {"code": c.code, "name": c.name} for c in Country.objects.all()
    ]
    timezones = client.get("/api/v1/vocabularies/timezones").json()
    assert timezones == timezone_names()
    assert "Asia/Kolkata" in timezones and "Europe/London" in timezones


@pytest.mark.parametrize(
    "name",
    [
        "professions",
        "career-stages",
        "specialties",
        "competencies",
        "languages",
        "countries",
        "timezones",
    ],
)
def test_vocabularies_need_authentication(client, db, name):
    assert client.get(f"/api/v1/vocabularies/{name}").status_code == 401
