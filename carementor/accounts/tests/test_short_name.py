import pytest

from carementor.accounts.models import User, given_name


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Dr Meera Pillai", "Meera"),
        ("Dr. Asha Raman", "Asha"),
        ("Prof. Vikram Mehta", "Vikram"),
        ("Sister Mary Thomas", "Mary"),
        ("Sr. Mary Thomas", "Mary"),
        ("Smt Meena Yadav", "Meena"),
        ("Shri Ravi Kumar", "Ravi"),
        ("Kumari Priya Nair", "Priya"),
        ("Capt. Dr Arjun Pillai", "Arjun"),
        ("MRS Aisha Bello", "Aisha"),
        ("Ravi Kumar", "Ravi"),
        ("Drishti Rao", "Drishti"),
        ("Dr", ""),
        ("", ""),
    ],
)
def test_it_skips_titles(full_name: str, expected: str) -> None:
    assert given_name(full_name) == expected


def test_it_greets_by_given_name() -> None:
    assert User(email="m@example.org", full_name="Dr Meera Pillai").get_short_name() == "Meera"


def test_it_keeps_a_name_made_only_of_a_title() -> None:
    assert User(email="d@example.org", full_name="Dr").get_short_name() == "Dr"


def test_it_falls_back_to_the_email_address() -> None:
    assert User(email="x@example.org").get_short_name() == "x@example.org"


@pytest.mark.django_db
def test_it_welcomes_dr_meera_by_name(client) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(
        "meera@example.org", "pw-long-enough-1", full_name="Dr Meera Pillai"
    )
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    assert "Welcome, Meera" in html
    assert "Welcome, Dr" not in html
