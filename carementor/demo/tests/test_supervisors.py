"""Supervisors for generated trainees, and the mix of profile visibility."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from carementor.demo.logins import LOGINS
from carementor.demo.people import PeopleGenerator
from carementor.demo.supervisors import SENIOR_STAGES, TRAINEE_STAGES, seed_supervisors
from carementor.demo.vocabulary import Vocabulary
from carementor.profiles.models import Profile

pytestmark = pytest.mark.django_db


def seed(users: int, seed: int = 1) -> None:
    call_command("seed_demo", users=users, seed=seed, stdout=StringIO(), stderr=StringIO())


def domain(email: str) -> str:
    return email.rsplit("@", 1)[1]


def test_about_a_fifth_of_trainees_get_a_senior_colleague_of_their_organization() -> None:
    seed(400)
    trainees = list(
        Profile.objects.filter(career_stage__code__in=TRAINEE_STAGES)
        .exclude(user__email__in=[login.person.email for login in LOGINS])
        .select_related(
            "user",
            "profession",
            "supervisor__profile__career_stage",
            "supervisor__profile__profession",
        )
    )
    supervised = [profile for profile in trainees if profile.supervisor is not None]
    assert len(trainees) > 100
    assert 0.12 <= len(supervised) / len(trainees) <= 0.28, (len(supervised), len(trainees))
    same_group = 0
    for trainee in supervised:
        assert trainee.supervisor is not None
        boss = trainee.supervisor.profile
        assert domain(trainee.supervisor.email) == domain(trainee.user.email), trainee.user.email
        assert boss.career_stage is not None and boss.career_stage.code in SENIOR_STAGES
        assert trainee.profession is not None and boss.profession is not None
        same_group += trainee.profession.group == boss.profession.group
    assert same_group >= 0.8 * len(supervised)
    # Students and residents both, in every organization.
    assert {profile.career_stage.code for profile in supervised if profile.career_stage} >= {
        "student",
        "resident",
    }
    assert {domain(profile.user.email) for profile in supervised} == {
        "indus-ims.example.org",
        "pennine-nhs.example.org",
        "vembanad-nursing.example.org",
    }


def test_persona_logins_have_no_supervisor_and_supervise_nobody() -> None:
    seed(400)
    personas = [login.person.email for login in LOGINS]
    assert not Profile.objects.filter(user__email__in=personas, supervisor__isnull=False).exists()
    assert not Profile.objects.filter(supervisor__email__in=personas).exists()


def test_the_same_seed_gives_the_same_supervisors_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    seed(300, seed=5)

    def chosen() -> set[tuple[str, str]]:
        return set(
            Profile.objects.filter(supervisor__isnull=False).values_list(
                "user__email", "supervisor__email"
            )
        )

    first = chosen()
    Profile.objects.update(supervisor=None)
    vocabulary = Vocabulary.load()
    with django_assert_max_num_queries(6):
        result = seed_supervisors(seed=5, vocabulary=vocabulary)
    assert result.created == result.supervised == len(first) > 0
    assert chosen() == first
    # Nothing left to do: the seniors are not even read.
    with django_assert_max_num_queries(2):
        again = seed_supervisors(seed=5, vocabulary=vocabulary)
    assert (again.supervised, again.created) == (len(first), 0)


def test_profiles_are_mostly_organization_visible_some_platform_few_private() -> None:
    generator = PeopleGenerator(Vocabulary.load(), 1)
    shares = Counter(
        person.profile.visibility
        for person in (generator.person(generator.identity(i)) for i in range(2000))
        if person.profile is not None
    )
    assert 0.74 <= shares["organization"] / 2000 <= 0.86
    assert 0.11 <= shares["platform"] / 2000 <= 0.19
    assert 0.03 <= shares["private"] / 2000 <= 0.07
