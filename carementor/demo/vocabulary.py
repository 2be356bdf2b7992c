"""The controlled vocabularies, read once into plain dicts so seeding makes no per-row queries."""

from dataclasses import dataclass

from django.core.management.base import CommandError

from carementor.profiles.models import (
    CareerStage,
    Competency,
    Country,
    Language,
    Profession,
    Specialty,
)


@dataclass(frozen=True)
class SpecialtyRef:
    id: int
    code: str
    name: str
    group: str
    parent_code: str | None


@dataclass(frozen=True)
class ProfessionRef:
    id: int
    code: str
    name: str
    group: str
    is_clinical: bool


@dataclass(frozen=True)
class CompetencyRef:
    id: int
    code: str
    domain: str
    is_digital: bool


@dataclass(frozen=True)
class Vocabulary:
    professions: dict[str, ProfessionRef]
    stages: dict[str, int]
    specialties: dict[str, SpecialtyRef]
    specialties_by_group: dict[str, tuple[SpecialtyRef, ...]]
    competencies: dict[str, CompetencyRef]
    languages: dict[str, int]
    countries: dict[str, int]

    @classmethod
    def load(cls) -> "Vocabulary":
        professions = {
            code: ProfessionRef(pk, code, name, group, is_clinical)
            for pk, code, name, group, is_clinical in Profession.objects.values_list(
                "id", "code", "name", "group", "is_clinical"
            )
        }
        if not professions:
            raise CommandError(
                "The vocabularies are empty: run `python manage.py migrate` first "
                "(profiles.0002_vocabularies loads them)."
            )
        specialties = {
            code: SpecialtyRef(pk, code, name, group, parent_code)
            for pk, code, name, group, parent_code in Specialty.objects.order_by(
                "code"
            ).values_list("id", "code", "name", "profession_group", "parent__code")
        }
        by_group: dict[str, list[SpecialtyRef]] = {}
        for ref in specialties.values():
            by_group.setdefault(ref.group, []).append(ref)
        return cls(
            professions=professions,
            stages=dict(CareerStage.objects.values_list("code", "id")),
            specialties=specialties,
            specialties_by_group={group: tuple(refs) for group, refs in by_group.items()},
            competencies={
                code: CompetencyRef(pk, code, domain, is_digital)
                for pk, code, domain, is_digital in Competency.objects.order_by("code").values_list(
                    "id", "code", "domain", "is_digital"
                )
            },
            languages=dict(Language.objects.values_list("code", "id")),
            countries=dict(Country.objects.values_list("code", "id")),
        )
