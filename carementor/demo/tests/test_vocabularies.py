"""The vocabulary data migration loaded real, consistent data."""

import re

import pytest

from carementor.profiles.data import VOCABULARIES, load_vocabularies, read_rows
from carementor.profiles.models import (
    CareerStage,
    Competency,
    Country,
    Language,
    Profession,
    Specialty,
)

pytestmark = pytest.mark.django_db

NUCC = re.compile(r"^[0-9A-Z]{9}X$")


def test_counts_match_the_data_files() -> None:
    assert Profession.objects.count() == len(read_rows("professions.json")) >= 30
    assert CareerStage.objects.count() == 7
    assert Specialty.objects.count() == len(read_rows("specialties.json")) >= 120
    assert Competency.objects.count() == len(read_rows("competencies.json")) >= 40
    assert Language.objects.count() == len(read_rows("languages.json")) >= 60
    assert Country.objects.count() == 249


def test_codes_are_unique_in_every_file() -> None:
    for filename, _fields in VOCABULARIES.values():
        codes = [row["code"] for row in read_rows(filename)]
        assert len(codes) == len(set(codes)), filename


def test_career_stages_are_ranked_student_to_retired() -> None:
    assert list(CareerStage.objects.values_list("code", "rank")) == [
        ("student", 0),
        ("intern", 1),
        ("resident", 2),
        ("early-career", 3),
        ("mid-career", 4),
        ("senior", 5),
        ("retired", 6),
    ]


def test_known_codes() -> None:
    def nucc(code: str) -> str:
        return Specialty.objects.get(code=code).nucc_code

    assert nucc("paediatrics") == "208000000X"
    assert nucc("paediatric-cardiology") == "2080P0202X"
    assert nucc("interventional-cardiology") == "207RI0011X"
    assert nucc("clinical-informatics") == "2083C0008X"
    assert nucc("general-nursing") == "163W00000X"
    assert nucc("pharmacy-practice") == "183500000X"
    assert nucc("kayachikitsa") == ""
    assert Specialty.objects.get(code="paediatric-cardiology").name == "Paediatric Cardiology"
    assert Profession.objects.get(code="healthcare-manager").is_clinical is False
    assert Language.objects.get(code="ta").native_name == "தமிழ்"
    assert Language.objects.filter(code__in=["kok", "bho", "mai", "gd", "cy"]).count() == 5
    assert Country.objects.get(code="IN").name == "India"
    assert Country.objects.get(code="GB").name == "United Kingdom"
    assert Competency.objects.filter(is_digital=True, domain="digital").count() >= 10
    assert set(Competency.objects.filter(is_digital=True).values_list("code", flat=True)) >= {
        "ehr-use",
        "telehealth",
        "clinical-decision-support",
        "data-literacy",
        "ai-tools",
        "cybersecurity-hygiene",
    }


def test_every_nucc_code_has_the_taxonomy_format() -> None:
    codes = Specialty.objects.exclude(nucc_code="").values_list("nucc_code", flat=True)
    assert len(codes) > 100
    assert [code for code in codes if not NUCC.match(code)] == []


def test_parents_share_the_profession_group_and_every_group_has_a_profession() -> None:
    for specialty in Specialty.objects.select_related("parent").filter(parent__isnull=False):
        assert specialty.parent is not None
        assert specialty.parent.profession_group == specialty.profession_group, specialty.code
    profession_groups = set(Profession.objects.values_list("group", flat=True))
    assert set(Specialty.objects.values_list("profession_group", flat=True)) == profession_groups
    # Sub-specialty chains: interventional cardiology → cardiology → internal medicine.
    chain = Specialty.objects.get(code="interventional-cardiology")
    assert chain.parent is not None and chain.parent.code == "cardiology"
    assert chain.parent.parent is not None and chain.parent.parent.code == "internal-medicine"


def test_loading_again_is_idempotent() -> None:
    from django.apps import apps

    before = Specialty.objects.count(), Profession.objects.count(), CareerStage.objects.count()
    load_vocabularies(apps)
    after = Specialty.objects.count(), Profession.objects.count(), CareerStage.objects.count()
    assert before == after
    assert Specialty.objects.get(code="paediatric-cardiology").parent.code == "paediatrics"  # type: ignore[union-attr]
