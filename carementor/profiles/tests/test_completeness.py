from carementor.lib.testing import make_user
from carementor.profiles.completeness import Missing, profile_completeness, profile_missing
from carementor.profiles.services import profile_for


def test_empty_profile_lists_everything_in_plain_words(db):
    user = make_user("new@example.org")
    percent, missing = profile_missing(profile_for(user))
    assert percent == 0
    assert [item.field for item in missing] == [
        "full_name",
        "headline",
        "profession",
        "career_stage",
        "specialties",
        "country",
        "languages",
        "timezone",
        "competencies",
        "goals",
        "roles_offered",
        "preferred_slots",
        "meeting_formats",
    ]
    assert missing[0] == Missing("full_name", "your full name")


def test_full_profile_is_complete(asha_profile):
    assert profile_completeness(asha_profile) == (100, [])
    assert asha_profile.completeness() == (100, [])


def test_partly_filled_profile_reports_percent_and_missing(asha_profile):
    asha_profile.goals = ""
    asha_profile.meeting_formats = []
    asha_profile.save()
    assert profile_completeness(asha_profile) == (
        85,
        ["what you want to achieve (your goals)", "how you like to meet"],
    )


def test_offering_roles_asks_for_capacity(asha_profile):
    asha_profile.roles_offered = ["peer"]
    asha_profile.mentoring_capacity = 0
    asha_profile.save()
    percent, missing = profile_completeness(asha_profile)
    assert (percent, missing) == (93, ["how many people you can mentor at once"])

    asha_profile.mentoring_capacity = 2
    asha_profile.save()
    assert profile_completeness(asha_profile) == (100, [])


def test_default_utc_timezone_counts_as_not_chosen(asha_profile):
    asha_profile.user.timezone = "UTC"
    assert profile_completeness(asha_profile) == (92, ["your timezone"])
