"""Every change to a profile and its declared conflicts: atomic and audited."""

from typing import Any, NamedTuple, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.profiles.models import (
    CareerStage,
    Competency,
    ConflictOfInterest,
    Country,
    Language,
    Profession,
    Profile,
    ProfileCompetency,
    Specialty,
)

# A person may declare many conflicts, but not an unbounded number.
MAX_CONFLICTS = 100


def profile_for(user: "User") -> Profile:
    """The person's own profile, created empty on first use."""
    profile, _created = Profile.objects.get_or_create(user=user)
    if getattr(user, "pk", None) == profile.user_id:
        profile.user = user  # the caller's object: reading profile.user asks nothing
    return profile


class CompetencyLevel(NamedTuple):
    competency: Competency
    level: int
    target_level: int | None


class ProfileData(TypedDict, total=False):
    """Clean values for profile_update(); only the keys present are changed."""

    full_name: str
    timezone: str
    headline: str
    bio: str
    profession: Profession | None
    career_stage: CareerStage | None
    specialties: list[Specialty]
    years_in_practice: int | None
    workplace: str
    country: Country | None
    region: str
    city: str
    languages: list[Language]
    hours_per_month: int | None
    preferred_slots: list[str]
    shift_pattern: str
    meeting_formats: list[str]
    goals: str
    interests: str
    roles_offered: list[str]
    roles_sought: list[str]
    mentoring_capacity: int
    supervisor: User | None
    visibility: str
    competencies: list[CompetencyLevel]


USER_FIELDS = ("full_name", "timezone")
M2M_FIELDS = ("specialties", "languages")
PROFILE_FIELDS = (
    "headline",
    "bio",
    "profession",
    "career_stage",
    "years_in_practice",
    "workplace",
    "country",
    "region",
    "city",
    "hours_per_month",
    "preferred_slots",
    "shift_pattern",
    "meeting_formats",
    "goals",
    "interests",
    "roles_offered",
    "roles_sought",
    "mentoring_capacity",
    "supervisor",
    "visibility",
)


def _competency_rows(profile: Profile) -> set[tuple[int, int, int | None]]:
    return set(
        ProfileCompetency.objects.filter(profile=profile).values_list(
            "competency_id", "level", "target_level"
        )
    )


@transaction.atomic
def profile_update(
    profile: Profile,
    data: ProfileData,
    actor: User,
    *,
    request: HttpRequest | None = None,
) -> Profile:
    """Write validated profile values; many-to-many and competency rows are replaced.

    The audit event names the fields that changed, never their values: a profile is
    personal data and the trail is read by people who may not see it.
    """
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    user = profile.user
    values: dict[str, Any] = dict(data)
    changed: list[str] = []

    user_fields = [f for f in USER_FIELDS if f in values and getattr(user, f) != values[f]]
    for name in user_fields:
        setattr(user, name, values[name])
    if user_fields:
        user.save(update_fields=user_fields)
        changed += user_fields

    profile_fields = [f for f in PROFILE_FIELDS if f in values and getattr(profile, f) != values[f]]
    for name in profile_fields:
        setattr(profile, name, values[name])
    # Always saved so updated_at records that the person reviewed their profile.
    profile.save(update_fields=[*profile_fields, "updated_at"])
    changed += profile_fields

    if "specialties" in data:
        wanted = {specialty.pk for specialty in data["specialties"]}
        if wanted != set(profile.specialties.values_list("pk", flat=True)):
            profile.specialties.set(wanted)
            changed.append("specialties")
    if "languages" in data:
        wanted = {language.pk for language in data["languages"]}
        if wanted != set(profile.languages.values_list("pk", flat=True)):
            profile.languages.set(wanted)
            changed.append("languages")
    if "competencies" in data:
        rows = data["competencies"]
        wanted_rows = {(row.competency.pk, row.level, row.target_level) for row in rows}
        if wanted_rows != _competency_rows(profile):
            ProfileCompetency.objects.filter(profile=profile).delete()
            ProfileCompetency.objects.bulk_create(
                ProfileCompetency(
                    profile=profile,
                    competency=row.competency,
                    level=row.level,
                    target_level=row.target_level,
                )
                for row in rows
            )
            changed.append("competencies")

    record(actor, "profile.updated", profile, request=request, detail={"fields": sorted(changed)})
    return profile


@transaction.atomic
def conflict_declare(
    profile: Profile,
    *,
    other_email: str,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> ConflictOfInterest:
    """Declare a conflict with a person (by e-mail), described in free text, or both.

    If the e-mail belongs to an account, the conflict is linked to it so matching can
    avoid the pair; whether it does is never shown, so this cannot probe for accounts.
    """
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    if ConflictOfInterest.objects.filter(profile=profile).count() >= MAX_CONFLICTS:
        raise ValidationError(
            _("You have declared %(max)s conflicts, the most allowed."),
            params={"max": MAX_CONFLICTS},
        )
    other_email = other_email.strip().lower()
    other_user = User.objects.filter(email__iexact=other_email).first() if other_email else None
    conflict = ConflictOfInterest.objects.create(
        profile=profile,
        other_user=other_user,
        other_email=other_email,
        description=description.strip(),
    )
    # The target is the profile, not the conflict: the conflict's text is for its owner only.
    record(
        actor,
        "profile.conflict_declared",
        profile,
        request=request,
        detail={"conflict": conflict.code},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(
    conflict: ConflictOfInterest, *, actor: User, request: HttpRequest | None = None
) -> None:
    profile = conflict.profile
    code = conflict.code
    conflict.delete()
    record(actor, "profile.conflict_withdrawn", profile, request=request, detail={"conflict": code})
