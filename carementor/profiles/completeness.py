"""How complete a profile is, and what is missing, in words a person can act on."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from carementor.profiles.models import Profile


def profile_completeness(profile: "Profile") -> tuple[int, list[str]]:
    checks: list[tuple[bool, str]] = [
        (bool(profile.user.full_name), _("your full name")),
        (profile.profession_id is not None, _("your profession")),
        (profile.career_stage_id is not None, _("your career stage")),
        (profile.specialties.exists(), _("at least one specialty or field")),
        (profile.country_id is not None, _("your country")),
        (profile.languages.exists(), _("the languages you speak")),
        (
            bool(profile.user.timezone and profile.user.timezone != "UTC") or bool(profile.region),
            _("your timezone"),
        ),
        (profile.competency_levels.exists(), _("your competencies and levels")),
        (bool(profile.goals.strip()), _("your goals")),
        (bool(profile.roles_offered or profile.roles_sought), _("the roles you offer or seek")),
        (bool(profile.preferred_slots), _("when you are available")),
        (bool(profile.meeting_formats), _("how you like to meet")),
    ]
    done = sum(1 for ok, _label in checks if ok)
    missing = [label for ok, label in checks if not ok]
    return round(100 * done / len(checks)), missing
