"""The bulk writer under seed_demo: defaults for unnamed columns, and the vocabulary it needs."""

from datetime import UTC, datetime

import pytest

from carementor.demo.organizations import ORGANIZATIONS
from carementor.demo.people import PROFESSION_ROOTS, PeopleGenerator
from carementor.demo.records import insert_rows
from carementor.demo.vocabulary import Vocabulary
from carementor.organizations.models import Membership, Organization
from carementor.profiles.models import Specialty

pytestmark = pytest.mark.django_db


def test_unnamed_columns_get_their_model_defaults() -> None:
    insert_rows(
        Organization,
        ("name", "slug", "kind", "country"),
        [
            ("Alpha College", "alpha", "nursing_college", "IN"),
            ("Beta Trust", "beta", "hospital", "GB"),
        ],
    )
    alpha, beta = Organization.objects.order_by("slug")
    assert (alpha.name, alpha.kind, alpha.country, alpha.timezone) == (
        "Alpha College",
        "nursing_college",
        "IN",
        "UTC",
    )
    # A callable default (new_code) runs once per row; auto_now_add gets the time of writing.
    assert len(alpha.code) == 12 and alpha.code != beta.code
    assert alpha.created_at is not None and alpha.created_at > datetime(2025, 1, 1, tzinfo=UTC)


def test_a_required_column_without_a_default_is_refused() -> None:
    organization = Organization.objects.create(name="Gamma", slug="gamma", kind="hospital")
    with pytest.raises(ValueError, match=r"Membership\.user needs a value"):
        insert_rows(Membership, ("code", "organization"), [("abc", organization.pk)])
    assert not Membership.objects.exists()


def test_every_demo_profession_exists_and_has_specialties_to_draw_from() -> None:
    vocabulary = Vocabulary.load()
    generator = PeopleGenerator(vocabulary, 1)
    roots = {code for codes in PROFESSION_ROOTS.values() for code in codes}
    assert roots <= set(Specialty.objects.values_list("code", flat=True))
    for spec in ORGANIZATIONS:
        for code, _weight in spec.professions:
            profession = vocabulary.professions[code]
            assert generator.specialty_pool(profession), code
    midwife = generator.specialty_pool(vocabulary.professions["midwife"])
    assert {ref.code for ref in midwife} == {"midwifery", "advanced-practice-midwifery"}
