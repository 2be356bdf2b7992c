"""`manage.py seed_demo`: organizations, one login per role, consistent generated people."""

import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command

from carementor.accounts.models import User
from carementor.audit.models import AuditEvent
from carementor.credentials.models import Credential, EvidenceFile, ReviewEvent
from carementor.demo.logins import DEMO_TOTP_SECRET
from carementor.demo.people import YEARS
from carementor.demo.seed import DEMO_PASSWORD
from carementor.organizations.models import Invitation, Membership, Organization
from carementor.profiles.models import Profile, ProfileCompetency

pytestmark = pytest.mark.django_db

LOGIN_KEYS = (
    *("asha", "vikram", "mary", "priya", "kavya", "rohan", "tom", "aisha", "ravi", "meena"),
    "staff",
    "lakshmi",
)
DOMAINS = ("indus-ims.example.org", "pennine-nhs.example.org", "vembanad-nursing.example.org")


def seed(**options: int) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def generated_users():  # type: ignore[no-untyped-def]
    return User.objects.filter(email__regex=r"@(indus-ims|pennine-nhs|vembanad-nursing)\.")


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "profiles": Profile.objects.count(),
        "specialties": Profile.specialties.through.objects.count(),
        "languages": Profile.languages.through.objects.count(),
        "competencies": ProfileCompetency.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "supervised": Profile.objects.filter(supervisor__isnull=False).count(),
        "invitations": Invitation.objects.count(),
        "credentials": Credential.objects.count(),
        "pending proposals": Credential.objects.exclude(pending_action="").count(),
        "evidence": EvidenceFile.objects.count(),
        "review events": ReviewEvent.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def roles(email: str) -> dict[str, list[str]]:
    return {
        membership.organization.slug: membership.roles
        for membership in Membership.objects.filter(user__email=email).select_related(
            "organization"
        )
    }


def test_it_creates_the_three_organizations() -> None:
    seed(users=40, seed=3)
    assert list(
        Organization.objects.exclude(slug="open-network")  # the open network's own
        .order_by("slug")
        .values_list("slug", "kind", "country", "timezone")
    ) == [
        ("indus-ims", "hospital", "IN", "Asia/Kolkata"),
        ("pennine-nhs", "hospital", "GB", "Europe/London"),
        ("vembanad-nursing", "nursing_college", "IN", "Asia/Kolkata"),
    ]


def test_it_creates_one_login_per_role() -> None:
    seed(users=40, seed=3)
    assert roles("asha@example.org") == {"indus-ims": ["member"]}
    assert roles("vikram@example.org") == {"indus-ims": ["member", "mentor"]}
    assert roles("mary@example.org") == {"vembanad-nursing": ["member", "mentor", "coordinator"]}
    assert roles("priya@example.org") == {"indus-ims": ["member", "reviewer"]}
    assert roles("kavya@example.org") == {"indus-ims": ["member", "reviewer"]}
    assert roles("rohan@example.org") == {"indus-ims": ["member", "admin"]}
    assert roles("tom@example.org") == {"pennine-nhs": ["member", "mentor", "coordinator", "admin"]}
    # The outsider belongs to another organization than the mentee and mentor.
    assert roles("aisha@example.org") == {"pennine-nhs": ["member"]}
    staff = User.objects.get(email="staff@example.org")
    assert staff.is_staff and staff.is_superuser
    assert roles("staff@example.org") == {}
    # The national programme lead runs the open network (its organization is made later).
    assert roles("lakshmi@example.org") == {"open-network": ["member", "coordinator", "admin"]}

    logins = User.objects.filter(email__in=[f"{key}@example.org" for key in LOGIN_KEYS])
    assert logins.count() == len(LOGIN_KEYS)
    for user in logins:
        assert user.check_password(DEMO_PASSWORD), user.email
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()

    privileged = {"mary", "priya", "kavya", "rohan", "tom", "staff", "lakshmi"}
    for user in logins:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if user.email.split("@")[0] in privileged:
            assert totp is not None and decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
        else:
            assert totp is None, user.email

    asha = Profile.objects.with_vocabulary().get(user__email="asha@example.org")
    assert asha.profession is not None and asha.profession.code == "physician"
    assert asha.career_stage is not None and asha.career_stage.code == "resident"
    assert [s.code for s in asha.specialties.all()] == ["paediatrics"]
    assert sorted(language.code for language in asha.languages.all()) == ["en", "ta"]
    assert asha.user.timezone == "Asia/Kolkata"
    # Mary chose her greeting; everyone else is greeted by their given name.
    mary = User.objects.get(email="mary@example.org")
    assert (mary.preferred_name, mary.get_short_name()) == ("Sister Mary", "Sister Mary")
    assert User.objects.get(email="vikram@example.org").get_short_name() == "Vikram"
    assert asha.completeness()[0] == 100
    ravi = Profile.objects.get(user__email="ravi@example.org")
    assert ravi.completeness()[0] < 100  # left partly empty for the dashboard to point out


def test_a_privileged_login_signs_in_with_the_documented_totp_secret(client) -> None:  # type: ignore[no-untyped-def]
    seed(users=0)
    response = client.post(
        "/accounts/login/", {"login": "mary@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(User.objects.get(email="mary@example.org").pk)


def test_the_mentee_signs_in_without_an_email_confirmation_step(client) -> None:  # type: ignore[no-untyped-def]
    seed(users=0)
    response = client.post(
        "/accounts/login/", {"login": "asha@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_generated_people_are_complete_and_consistent() -> None:
    seed(users=40, seed=3)
    profiles = list(
        Profile.objects.with_vocabulary().filter(user__in=generated_users()).order_by("id")
    )
    assert len(profiles) == 40
    mentors = 0
    for profile in profiles:
        user = profile.user
        assert user.full_name.count(" ") >= 1 and user.email.endswith(DOMAINS), user.email
        assert profile.profession is not None and profile.career_stage is not None
        assert profile.country is not None and profile.city and profile.workplace
        assert profile.headline and profile.bio
        stage = profile.career_stage.code
        low, high = YEARS[stage]
        assert profile.years_in_practice is not None
        assert low <= profile.years_in_practice <= high, (stage, profile.years_in_practice)
        if profile.profession.code.endswith("-student"):
            assert stage == "student"
        for specialty in profile.specialties.all():
            assert specialty.profession_group == profile.profession.group, (
                profile.profession.code,
                specialty.code,
            )
        languages = {language.code for language in profile.languages.all()}
        assert languages, user.email
        expected_zone = {"IN": "Asia/Kolkata", "GB": "Europe/London"}.get(profile.country.code)
        if expected_zone:
            assert user.timezone == expected_zone
        else:
            assert profile.country.code == "US" and user.timezone.startswith("America/")
        levels = list(profile.competency_levels.all())
        assert len(levels) >= 5
        assert any(level.competency.is_digital for level in levels)
        assert all(1 <= level.level <= 5 for level in levels)
        assert profile.meeting_formats and (profile.roles_offered or profile.roles_sought)
        membership = Membership.objects.filter(user=user).order_by("id").first()
        assert membership is not None
        if membership.is_mentor:
            mentors += 1
            assert "mentor" in profile.roles_offered and profile.mentoring_capacity > 0
        if profile.roles_offered:
            assert profile.mentoring_capacity > 0
    assert 2 <= mentors <= 20
    assert len({profile.profession_id for profile in profiles}) >= 8


def test_running_twice_changes_nothing_and_says_so() -> None:
    first = seed(users=120, seed=3)
    before = counts()
    names = list(generated_users().order_by("email").values_list("email", "full_name", "code"))
    supervisors = dict(Profile.objects.values_list("id", "supervisor_id"))
    invitations = list(
        Invitation.objects.order_by("code").values_list(
            "code", "email", "roles", "created_at", "expires_at", "accepted_at"
        )
    )
    second = seed(users=120, seed=3)
    assert counts() == before
    assert (
        list(generated_users().order_by("email").values_list("email", "full_name", "code")) == names
    )
    assert dict(Profile.objects.values_list("id", "supervisor_id")) == supervisors
    assert (
        list(
            Invitation.objects.order_by("code").values_list(
                "code", "email", "roles", "created_at", "expires_at", "accepted_at"
            )
        )
        == invitations
    )
    # Every step had something to do the first time.
    assert before["invitations"] == 14 and before["supervised"] > 0
    assert before["pending proposals"] == 4
    assert "120 generated people (120 new)" in first
    assert (
        f"Invitations: 14 (14 new). Trainees with a supervisor: {before['supervised']} (" in first
    )
    assert "120 generated people (0 new)" in second
    assert (
        f"Invitations: 14 (0 new). Trainees with a supervisor: {before['supervised']} (0 new)."
        in (second)
    )


def test_more_users_adds_only_the_difference_and_keeps_the_first_ones() -> None:
    seed(users=10, seed=3)
    first_ten = set(generated_users().values_list("email", "full_name"))
    output = seed(users=25, seed=3)
    assert "25 generated people (15 new)" in output
    assert generated_users().count() == 25
    assert first_ten <= set(generated_users().values_list("email", "full_name"))


def test_the_same_seed_gives_the_same_people_and_another_seed_differs() -> None:
    from carementor.demo.people import PeopleGenerator
    from carementor.demo.vocabulary import Vocabulary

    vocabulary = Vocabulary.load()
    seed(users=20, seed=7)
    stored = sorted(generated_users().values_list("email", "full_name"))
    generator = PeopleGenerator(vocabulary, 7)
    again = sorted(
        (person.email, person.full_name)
        for person in (generator.person(generator.identity(i)) for i in range(20))
    )
    assert stored == again
    other = PeopleGenerator(vocabulary, 8)
    assert {other.identity(i).email for i in range(20)} != {email for email, _ in stored}


def test_the_output_lists_every_login_with_password_and_mfa_secret() -> None:
    output = seed(users=5)
    for role, email in [
        ("mentee", "asha@example.org"),
        ("mentor", "vikram@example.org"),
        ("coordinator", "mary@example.org"),
        ("credential reviewer", "priya@example.org"),
        ("second credential reviewer", "kavya@example.org"),
        ("org admin", "rohan@example.org"),
        ("outsider (other organization)", "aisha@example.org"),
        ("platform staff", "staff@example.org"),
    ]:
        line = next(line for line in output.splitlines() if email in line)
        assert line.startswith(role), line
        assert DEMO_PASSWORD in line
    mary = next(line for line in output.splitlines() if "mary@example.org" in line)
    assert DEMO_TOTP_SECRET in mary
    asha = next(line for line in output.splitlines() if "asha@example.org" in line)
    assert DEMO_TOTP_SECRET not in asha
    assert "already verified" in output


def test_a_login_changed_by_a_tester_keeps_its_password_and_roles_are_restored() -> None:
    seed(users=0)
    asha = User.objects.get(email="asha@example.org")
    asha.set_password("a-password-she-chose")
    asha.save()
    Membership.objects.filter(user__email="vikram@example.org").update(is_mentor=False)
    seed(users=0)
    asha.refresh_from_db()
    assert asha.check_password("a-password-she-chose")
    assert roles("vikram@example.org") == {"indus-ims": ["member", "mentor"]}


def test_a_re_enrolled_authenticator_is_kept_and_not_printed() -> None:
    seed(users=0)
    totp = Authenticator.objects.get(user__email="tom@example.org")
    totp.data = {"secret": "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"}
    totp.save()
    output = seed(users=0)
    tom = next(line for line in output.splitlines() if "tom@example.org" in line)
    assert "re-enrolled" in tom and DEMO_TOTP_SECRET not in tom
    totp.refresh_from_db()
    assert totp.data["secret"] == "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"


@pytest.mark.parametrize("users", ["-1", "1000001", "many"])
def test_bad_user_counts_are_refused_and_write_nothing(users: str) -> None:
    with pytest.raises((CommandError, SystemExit)):
        call_command("seed_demo", "--users", users, stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == 0
    assert Organization.objects.count() == 0


def test_large_runs_report_progress_on_stderr(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import carementor.demo.management.commands.seed_demo as command

    monkeypatch.setattr(command, "PROGRESS_FROM", 10)
    err = StringIO()
    call_command("seed_demo", users=12, stdout=StringIO(), stderr=err)
    assert "seed_demo: 12/12 people" in err.getvalue()


@pytest.mark.parametrize("readme", ["README.md", "carementor/demo/README.md"])
def test_the_readme_login_tables_match_what_the_command_prints(readme: str) -> None:
    from pathlib import Path

    from django.conf import settings

    from carementor.demo.logins import LOGINS

    text = (Path(settings.BASE_DIR) / readme).read_text()
    rows = [
        line.split("|")[1:-1]
        for line in text.splitlines()
        if line.startswith("| ") and "@example.org" in line
    ]
    printed = {(login.role, login.person.email, "TOTP" if login.mfa else "-") for login in LOGINS}
    assert {(role.strip(), email.strip(), mfa.strip()) for role, email, _org, mfa in rows} == (
        printed
    )
    output = seed(users=0)
    for role, email, organization, _mfa in rows:
        line = next(line for line in output.splitlines() if f" {email.strip()} " in line)
        assert line.startswith(role.strip()) and line.endswith(organization.strip()), line
    assert "`care-mentor-demo`" in text and "`JBSWY3DPEHPK3PXP`" in text
