"""How complete a profile is, and what is missing, in words a person can act on."""

from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from carementor.profiles.models import Profile


class Missing(NamedTuple):
    field: str  # the edit form's field name, so the page can link to it
    label: str


def _checks(profile: "Profile") -> list[tuple[bool, str, str]]:
    # .all() rather than .exists(): it reuses prefetched rows when the caller has them.
    user = profile.user
    checks = [
        (bool(user.full_name.strip()), "full_name", _("your full name")),
        (bool(profile.headline.strip()), "headline", _("a one-line headline about you")),
        (profile.profession_id is not None, "profession", _("your profession")),
        (profile.career_stage_id is not None, "career_stage", _("your career stage")),
        (
            bool(profile.specialties.all()),
            "specialties",
            _("at least one specialty or field"),
        ),
        (profile.country_id is not None, "country", _("the country you work in")),
        (bool(profile.languages.all()), "languages", _("the languages you speak")),
        # UTC is the sign-up default: keeping it usually means it was never chosen.
        (bool(user.timezone) and user.timezone != "UTC", "timezone", _("your timezone")),
        (
            bool(profile.competency_levels.all()),
            "competencies",
            _("your competencies and how confident you are in them"),
        ),
        (bool(profile.goals.strip()), "goals", _("what you want to achieve (your goals)")),
        (
            bool(profile.roles_offered or profile.roles_sought),
            "roles_offered",
            _("whether you offer mentoring, look for it, or both"),
        ),
        (bool(profile.preferred_slots), "preferred_slots", _("when you are usually free")),
        (bool(profile.meeting_formats), "meeting_formats", _("how you like to meet")),
    ]
    if profile.roles_offered:
        checks.append(
            (
                profile.mentoring_capacity > 0,
                "mentoring_capacity",
                _("how many people you can mentor at once"),
            )
        )
    return checks


def profile_missing(profile: "Profile") -> tuple[int, list[Missing]]:
    """Percentage complete and what is missing, each item with the form field to fill."""
    checks = _checks(profile)
    done = sum(1 for ok, _field, _label in checks if ok)
    missing = [Missing(field, label) for ok, field, label in checks if not ok]
    return round(100 * done / len(checks)), missing


def profile_completeness(profile: "Profile") -> tuple[int, list[str]]:
    """Percentage complete and the plain-words names of what is still missing."""
    percent, missing = profile_missing(profile)
    return percent, [item.label for item in missing]
