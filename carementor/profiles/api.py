"""Profiles in the JSON API: my profile, others' profiles, the directory, vocabularies.

Writes are validated by the same forms as the edit page: a payload is turned into form
data, so both paths accept and refuse exactly the same things.
"""

from datetime import datetime
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from carementor.accounts.models import User
from carementor.lib.api_errors import READ_ERRORS, WRITE_ERRORS, ApiError, ErrorOut
from carementor.lib.paging import MAX_PAGE
from carementor.lib.text import Name, Text
from carementor.lib.timezones import timezone_names
from carementor.profiles.competency_forms import BaseCompetencyFormSet, competency_formset
from carementor.profiles.completeness import profile_missing
from carementor.profiles.forms import (
    ConflictForm,
    DirectoryFilterForm,
    ProfileForm,
    profile_form_initial,
)
from carementor.profiles.models import (
    CareerStage,
    Competency,
    ConflictOfInterest,
    Country,
    Language,
    MeetingFormat,
    MentoringRole,
    Profession,
    Profile,
    ShiftPattern,
    Slot,
    Specialty,
    Visibility,
)
from carementor.profiles.permissions import get_conflict_for, get_profile_for
from carementor.profiles.pickers import VOCABULARIES
from carementor.profiles.services import (
    conflict_declare,
    conflict_withdraw,
    profile_for,
    profile_update,
)

router = Router(tags=["profiles"])
vocabularies = Router(tags=["vocabularies"])
router.add_router("/vocabularies", vocabularies)

DIRECTORY_PAGE_SIZE = 20


# --- Schemas ---------------------------------------------------------------------------


class CompetencyLevelSchema(Schema):
    competency: str = Field(description="Competency code (see /vocabularies/competencies).")
    level: int = Field(ge=1, le=5, description="1 novice … 5 expert.")
    target_level: int | None = Field(
        None, ge=1, le=5, description="Where the person wants to be; above level."
    )


class ProfileOut(Schema):
    """What others may see. Vocabulary fields are codes, as in the vocabularies."""

    code: str
    full_name: str
    headline: str
    bio: str
    profession: str | None
    career_stage: str | None
    specialties: list[str]
    years_in_practice: int | None
    workplace: str
    country: str | None
    region: str
    city: str
    languages: list[str]
    timezone: str
    hours_per_month: int | None
    preferred_slots: list[str]
    shift_pattern: str | None
    meeting_formats: list[str]
    competencies: list[CompetencyLevelSchema]
    goals: str
    interests: str
    roles_offered: list[str]
    roles_sought: list[str]
    mentoring_capacity: int
    updated_at: datetime


class MissingOut(Schema):
    field: str
    label: str


class CompletenessOut(Schema):
    percent: int
    missing: list[MissingOut]


class ConflictOut(Schema):
    code: str
    other_email: str
    description: str
    created_at: datetime


class MyProfileOut(ProfileOut):
    """My own profile: also what only I see."""

    visibility: str
    supervisor_email: str | None
    completeness: CompletenessOut
    conflicts: list[ConflictOut]


class ProfileIn(Schema):
    """A whole profile for PUT (omitted fields are reset); for PATCH, only what you send.
    Types are strict: "5" is not a number and 5 is not a text."""

    full_name: Name = ""
    timezone: Text = Field("UTC", description="An IANA timezone, see /vocabularies/timezones.")
    headline: Text = ""
    bio: Text = ""
    profession: Text | None = Field(None, description="Profession code.")
    career_stage: Text | None = Field(None, description="Career stage code.")
    specialties: list[Text] = Field([], description="Specialty codes.")
    years_in_practice: StrictInt | None = Field(None, description="0 to 70.")
    workplace: Text = ""
    country: Text | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    region: Text = ""
    city: Text = ""
    languages: list[Text] = Field([], description="ISO 639 codes.")
    hours_per_month: StrictInt | None = Field(None, description="0 to 80.")
    preferred_slots: list[Slot] = []
    shift_pattern: ShiftPattern | None = None
    meeting_formats: list[MeetingFormat] = []
    competencies: list[CompetencyLevelSchema] = Field(
        [], description="Replaces all competency rows."
    )
    goals: Text = ""
    interests: Text = ""
    roles_offered: list[MentoringRole] = []
    roles_sought: list[MentoringRole] = []
    mentoring_capacity: StrictInt = Field(0, description="0 to 50; above 0 needs a role offered.")
    supervisor_email: Text | None = Field(
        None, description="A member of one of your organizations."
    )
    visibility: Visibility = Visibility.ORGANIZATION


class ProfileSummaryOut(Schema):
    code: str
    full_name: str
    headline: str
    profession: str | None
    career_stage: str | None
    specialties: list[str]
    languages: list[str]
    country: str | None
    roles_offered: list[str]
    roles_sought: list[str]


class ProfilePageOut(Schema):
    items: list[ProfileSummaryOut]
    count: int
    page: int
    pages: int


class DirectoryFilters(Schema):
    q: str = Field("", description="Part of a name or headline.")
    profession: str = Field("", description="Profession code.")
    career_stage: str = Field("", description="Career stage code.")
    specialty: str = Field("", description="Specialty code.")
    language: str = Field("", description="ISO 639 code.")
    organization: str = Field("", description="Code of one of your organizations.")
    page: int = Field(1, ge=1, le=MAX_PAGE)


class ConflictIn(Schema):
    other_email: str = Field("", description="The person's e-mail, if it is about a person.")
    description: str = Field("", description="What the conflict is; this or an e-mail.")


class ProfessionOut(Schema):
    code: str
    name: str
    group: str
    is_clinical: bool


class CareerStageOut(Schema):
    code: str
    name: str
    rank: int


class SpecialtyOut(Schema):
    code: str
    name: str
    profession_group: str
    parent: str | None
    nucc_code: str


class CompetencyOut(Schema):
    code: str
    name: str
    domain: str
    is_digital: bool


class LanguageOut(Schema):
    code: str
    name: str
    native_name: str


class CountryOut(Schema):
    code: str
    name: str


# --- Helpers ---------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every operation here is behind authentication
    return user


def _code(obj: Any) -> str | None:
    return obj.code if obj is not None else None


def _profile_out(profile: Profile) -> dict[str, Any]:
    return {
        "code": profile.code,
        "full_name": profile.user.full_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "profession": _code(profile.profession),
        "career_stage": _code(profile.career_stage),
        "specialties": [specialty.code for specialty in profile.specialties.all()],
        "years_in_practice": profile.years_in_practice,
        "workplace": profile.workplace,
        "country": _code(profile.country),
        "region": profile.region,
        "city": profile.city,
        "languages": [language.code for language in profile.languages.all()],
        "timezone": profile.user.timezone,
        "hours_per_month": profile.hours_per_month,
        "preferred_slots": list(profile.preferred_slots),
        "shift_pattern": profile.shift_pattern or None,
        "meeting_formats": list(profile.meeting_formats),
        "competencies": [
            {
                "competency": row.competency.code,
                "level": row.level,
                "target_level": row.target_level,
            }
            for row in profile.competency_levels.all()
        ],
        "goals": profile.goals,
        "interests": profile.interests,
        "roles_offered": list(profile.roles_offered),
        "roles_sought": list(profile.roles_sought),
        "mentoring_capacity": profile.mentoring_capacity,
        "updated_at": profile.updated_at,
    }


def _completeness_out(profile: Profile) -> dict[str, Any]:
    percent, missing = profile_missing(profile)
    return {"percent": percent, "missing": [item._asdict() for item in missing]}


def _conflict_out(conflict: ConflictOfInterest) -> dict[str, Any]:
    return {
        "code": conflict.code,
        "other_email": conflict.other_email,
        "description": conflict.description,
        "created_at": conflict.created_at,
    }


def _own_profile(user: User) -> Profile:
    profile = profile_for(user)
    return (
        Profile.objects.with_vocabulary()
        .select_related("supervisor")
        .prefetch_related("conflicts")
        .get(pk=profile.pk)
    )


def _my_profile_out(profile: Profile) -> dict[str, Any]:
    return {
        **_profile_out(profile),
        "visibility": profile.visibility,
        "supervisor_email": profile.supervisor.email if profile.supervisor else None,
        "completeness": _completeness_out(profile),
        "conflicts": [_conflict_out(conflict) for conflict in profile.conflicts.all()],
    }


def _as_form_data(values: dict[str, Any]) -> dict[str, Any]:
    """A payload as form data: None is an empty field, enum members are their values."""

    def one(value: Any) -> Any:
        if value is None:
            return ""
        return value.value if isinstance(value, Enum) else value

    return {
        key: [one(item) for item in value] if isinstance(value, list) else one(value)
        for key, value in values.items()
    }


def _errors(
    prefix: list[str], form: Any, formset: BaseCompetencyFormSet | None = None
) -> list[dict[str, Any]]:
    """Form errors in the API's shape, located like ninja's own (["body", "payload", …])."""
    errors = [
        {"loc": prefix + ([] if field == "__all__" else [field]), "msg": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    if formset is not None:
        where = [*prefix, "competencies"]
        for index, row in enumerate(formset.forms):
            for field, messages in row.errors.items():
                loc = [*where, str(index)] + ([] if field == "__all__" else [field])
                errors += [{"loc": loc, "msg": str(message)} for message in messages]
        errors += [{"loc": where, "msg": str(m)} for m in formset.non_form_errors()]
    return errors


def _save(request: HttpRequest, values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    user = _user(request)
    profile = _own_profile(user)
    rows = values.pop("competencies", None)
    data = _as_form_data(values)
    if partial:
        data = {**profile_form_initial(profile), **data}
    form = ProfileForm(data, user=user)
    formset = competency_formset(profile, rows=rows) if rows is not None else None
    form_ok = form.is_valid()
    if not (formset is None or formset.is_valid()) or not form_ok:
        raise ApiError(
            422,
            _("The profile is not valid."),
            "invalid",
            _errors(["body", "payload"], form, formset),
        )
    clean = form.profile_data()
    if formset is not None:
        clean["competencies"] = formset.levels()
    profile_update(profile, clean, user, request=request)
    return _my_profile_out(_own_profile(user))


# --- My profile ------------------------------------------------------------------------


@router.get("/profile", response={200: MyProfileOut, **READ_ERRORS}, summary="My profile")
def profile_mine(request: HttpRequest) -> dict[str, Any]:
    return _my_profile_out(_own_profile(_user(request)))


@router.put("/profile", response={200: MyProfileOut, **WRITE_ERRORS}, summary="Replace my profile")
def profile_replace(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    return _save(request, payload.model_dump(), partial=False)


@router.patch("/profile", response={200: MyProfileOut, **WRITE_ERRORS}, summary="Update my profile")
def profile_patch(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    return _save(request, payload.model_dump(exclude_unset=True), partial=True)


@router.get(
    "/profile/completeness",
    response={200: CompletenessOut, **READ_ERRORS},
    summary="How complete my profile is",
)
def profile_completeness(request: HttpRequest) -> dict[str, Any]:
    return _completeness_out(_own_profile(_user(request)))


@router.get(
    "/profile/conflicts",
    response={200: list[ConflictOut], **READ_ERRORS},
    summary="My declared conflicts of interest",
)
def conflict_list(request: HttpRequest) -> list[dict[str, Any]]:
    profile = profile_for(_user(request))
    return [_conflict_out(c) for c in ConflictOfInterest.objects.filter(profile=profile)]


@router.post(
    "/profile/conflicts",
    response={201: ConflictOut, **WRITE_ERRORS},
    summary="Declare a conflict of interest",
)
def conflict_create(request: HttpRequest, payload: ConflictIn) -> Status[dict[str, Any]]:
    user = _user(request)
    form = ConflictForm(payload.model_dump(), user=user)
    if not form.is_valid():
        raise ApiError(
            422, _("The conflict is not valid."), "invalid", _errors(["body", "payload"], form)
        )
    conflict = conflict_declare(
        profile_for(user),
        other_email=form.cleaned_data["other_email"],
        description=form.cleaned_data["description"],
        actor=user,
        request=request,
    )
    return Status(201, _conflict_out(conflict))


@router.delete(
    "/profile/conflicts/{code}",
    response={204: None, **WRITE_ERRORS},
    summary="Withdraw a conflict of interest",
)
def conflict_delete(request: HttpRequest, code: str) -> Status[None]:
    user = _user(request)
    conflict_withdraw(get_conflict_for(user, code), actor=user, request=request)
    return Status(204, None)


# --- Others' profiles ------------------------------------------------------------------


@router.get(
    "/profiles",
    response={200: ProfilePageOut, **READ_ERRORS, 422: ErrorOut},
    summary="People in my organizations",
)
def profile_directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> dict[str, Any]:
    user = _user(request)
    values = filters.model_dump(exclude={"page"})
    form = DirectoryFilterForm({k: v for k, v in values.items() if v}, user=user)
    if not form.is_valid():
        raise ApiError(422, _("The filters are not valid."), "invalid", _errors(["query"], form))
    profiles: QuerySet[Profile] = form.filter(
        Profile.objects.in_directory_of(user).for_directory()
    ).order_by("user__full_name", "pk")
    count = profiles.count()
    start = (filters.page - 1) * DIRECTORY_PAGE_SIZE
    items = profiles[start : start + DIRECTORY_PAGE_SIZE]
    return {
        "items": [
            {
                "code": p.code,
                "full_name": p.user.full_name,
                "headline": p.headline,
                "profession": _code(p.profession),
                "career_stage": _code(p.career_stage),
                "specialties": [s.code for s in p.specialties.all()],
                "languages": [lang.code for lang in p.languages.all()],
                "country": _code(p.country),
                "roles_offered": list(p.roles_offered),
                "roles_sought": list(p.roles_sought),
            }
            for p in items
        ],
        "count": count,
        "page": filters.page,
        "pages": max(1, -(-count // DIRECTORY_PAGE_SIZE)),
    }


@router.get(
    "/profiles/{code}", response={200: ProfileOut, **READ_ERRORS}, summary="Someone's profile"
)
def profile_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _profile_out(get_profile_for(_user(request), code))


# --- Vocabularies ----------------------------------------------------------------------


@vocabularies.get(
    "/professions", response={200: list[ProfessionOut], **READ_ERRORS}, summary="Professions"
)
def vocabulary_professions(request: HttpRequest) -> QuerySet[Profession]:
    return Profession.objects.all()


@vocabularies.get(
    "/career-stages", response={200: list[CareerStageOut], **READ_ERRORS}, summary="Career stages"
)
def vocabulary_career_stages(request: HttpRequest) -> QuerySet[CareerStage]:
    return CareerStage.objects.all()


@vocabularies.get(
    "/specialties",
    response={200: list[SpecialtyOut], **READ_ERRORS},
    summary="Specialties (NUCC codes where one exists)",
)
def vocabulary_specialties(
    request: HttpRequest, profession_group: str = "", q: str = ""
) -> list[dict[str, Any]]:
    specialties = Specialty.objects.select_related("parent")
    if q.strip():
        specialties = VOCABULARIES["specialties"].search(q).select_related("parent")
    if profession_group:
        specialties = specialties.filter(profession_group=profession_group)
    return [
        {
            "code": s.code,
            "name": s.name,
            "profession_group": s.profession_group,
            "parent": _code(s.parent),
            "nucc_code": s.nucc_code,
        }
        for s in specialties
    ]


@vocabularies.get(
    "/competencies",
    response={200: list[CompetencyOut], **READ_ERRORS},
    summary="Competencies, incl. digital health",
)
def vocabulary_competencies(request: HttpRequest) -> QuerySet[Competency]:
    return Competency.objects.all()


@vocabularies.get(
    "/languages", response={200: list[LanguageOut], **READ_ERRORS}, summary="Languages (ISO 639)"
)
def vocabulary_languages(request: HttpRequest, q: str = "") -> QuerySet[Language]:
    """All languages, or with ``q`` those whose name, own name or code matches (the
    profile editor's picker asks the same)."""
    return VOCABULARIES["languages"].search(q) if q.strip() else Language.objects.all()


@vocabularies.get(
    "/countries", response={200: list[CountryOut], **READ_ERRORS}, summary="Countries (ISO 3166-1)"
)
def vocabulary_countries(request: HttpRequest, q: str = "") -> QuerySet[Country]:
    """All countries, or with ``q`` those whose name or code matches."""
    return VOCABULARIES["countries"].search(q) if q.strip() else Country.objects.all()


@vocabularies.get(
    "/timezones", response={200: list[str], **READ_ERRORS}, summary="Timezones (IANA)"
)
def vocabulary_timezones(request: HttpRequest) -> list[str]:
    return timezone_names()
