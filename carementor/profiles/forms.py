"""Profile forms. The page and the API validate through the same classes.

Vocabulary fields take codes (profession code, ISO language code …), the same public
identifiers the API uses, so an API payload can be checked by binding it to these forms.
"""

from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.lib.text import clean_name
from carementor.lib.timezones import validate_timezone
from carementor.organizations.models import Membership, Organization
from carementor.profiles.labels import grouped_specialty_choices
from carementor.profiles.models import (
    CareerStage,
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
from carementor.profiles.roles import role_choices_defined
from carementor.profiles.services import ProfileData

NO_ROLES_OFFERED = _(
    "You offer no roles. Tick at least one role under “Roles I offer”, or set this to 0."
)


UNKNOWN = {
    Profession: _("“%(value)s” is not a known profession."),
    CareerStage: _("“%(value)s” is not a known career stage."),
    Specialty: _("“%(value)s” is not a known specialty."),
    Language: _("“%(value)s” is not a known language code."),
    Country: _("“%(value)s” is not a known country code."),
}


def _model_choice(model: Any, label: Any, **kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=model.objects.all(),
        to_field_name="code",
        required=False,
        label=label,
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": UNKNOWN[model]},
        **kwargs,
    )


def _model_multiple(model: Any, label: Any, **kwargs: Any) -> Any:
    return forms.ModelMultipleChoiceField(
        queryset=model.objects.all(),
        to_field_name="code",
        required=False,
        label=label,
        error_messages={"invalid_choice": UNKNOWN[model]},
        **kwargs,
    )


def _checkboxes(choices: Any, label: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def _text(label: Any, max_length: int, *, long: bool = False, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 4}) if long else None
    # NUL and other control characters: refused by every CharField (carementor.lib.text).
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=widget, **kwargs
    )


class Section(NamedTuple):
    id: str
    legend: str
    fields: list[BoundField]


# (id, legend, field names). "competencies" is the formset, rendered by the page itself.
SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("about", _("About you"), ["full_name", "headline", "bio"]),
    (
        "practice",
        _("Profession and practice"),
        ["profession", "career_stage", "specialties", "years_in_practice", "workplace"],
    ),
    (
        "location",
        _("Languages and location"),
        ["languages", "country", "region", "city", "timezone"],
    ),
    (
        "availability",
        _("Availability"),
        ["hours_per_month", "preferred_slots", "shift_pattern", "meeting_formats"],
    ),
    ("competencies", _("Competencies"), []),
    ("goals", _("Goals and interests"), ["goals", "interests"]),
    ("mentoring", _("Mentoring"), ["roles_offered", "roles_sought", "mentoring_capacity"]),
    ("supervisor", _("Direct supervisor"), ["supervisor_email"]),
    ("visibility", _("Who can see your profile"), ["visibility"]),
]

# Fields whose validity depends on each other: checking one refreshes the other's errors too.
RELATED_FIELDS = {
    "roles_offered": ["mentoring_capacity"],
    "mentoring_capacity": ["roles_offered"],
}


def colleagues_of(user: User) -> "Any":
    """Everyone who shares an organization with the user, the user excluded."""
    mine = Membership.objects.filter(user=user).values("organization_id")
    return (
        User.objects.filter(is_active=True, memberships__organization_id__in=mine)
        .exclude(pk=user.pk)
        .distinct()
    )


class ProfileForm(forms.Form):
    full_name = _text(
        _("Full name"),
        150,
        help_text=_("As colleagues know you, with a title."),
        validators=[clean_name],
    )
    headline = _text(
        _("Headline"),
        160,
        help_text=_("One line others see first, e.g. “Paediatrics resident, Chennai”."),
    )
    bio = _text(_("About me"), 4000, long=True)

    profession = _model_choice(Profession, _("Profession"))
    career_stage = _model_choice(CareerStage, _("Career stage"))
    specialties = _model_multiple(
        Specialty,
        _("Specialties or fields"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    years_in_practice = forms.IntegerField(
        label=_("Years in practice"),
        required=False,
        min_value=0,
        max_value=70,
        help_text=_("Since your first registration or qualification; 0 for students."),
    )
    workplace = _text(_("Workplace"), 200, help_text=_("Hospital, college, clinic or employer."))

    languages = _model_multiple(
        Language,
        _("Languages you can mentor in"),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    country = _model_choice(Country, _("Country you work in"))
    region = _text(_("State or region"), 100)
    city = _text(_("City"), 100)
    timezone = forms.CharField(
        label=_("Timezone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("Type a city such as Asia/Kolkata or Europe/London."),
        # The 600 suggestions arrive when the field is first focused, not with the page.
        widget=forms.TextInput(
            attrs={
                "list": "timezone-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("profiles:timezones"),
                "hx-trigger": "focus once",
                "hx-target": "#timezone-options",
                "hx-swap": "outerHTML",
            }
        ),
        error_messages={"required": _("Choose your timezone.")},
    )

    hours_per_month = forms.IntegerField(
        label=_("Hours a month for mentoring"),
        required=False,
        min_value=0,
        max_value=80,
    )
    preferred_slots = _checkboxes(Slot.choices, _("When you are usually free"))
    shift_pattern = forms.ChoiceField(
        label=_("Shift pattern"),
        required=False,
        choices=[("", _("Not set")), *ShiftPattern.choices],
    )
    meeting_formats = _checkboxes(MeetingFormat.choices, _("How you like to meet"))

    goals = _text(
        _("Goals"),
        4000,
        long=True,
        help_text=_("What you want to achieve in the next year or two, in your own words."),
    )
    interests = _text(_("Interests"), 2000, long=True)

    # Each role with its definition (profiles.roles), as everywhere a role is chosen.
    roles_offered = _checkboxes(role_choices_defined, _("Roles I offer"))
    roles_sought = _checkboxes(role_choices_defined, _("Roles I am looking for"))
    mentoring_capacity = forms.IntegerField(
        label=_("How many people you can mentor at once"),
        required=False,
        min_value=0,
        max_value=50,
        help_text=_("0 if you are not mentoring anyone now."),
    )

    supervisor_email = forms.EmailField(
        label=_("Your direct supervisor's e-mail address"),
        required=False,
        help_text=_(
            "Optional. They must belong to one of your organizations. "
            "Programmes use it to avoid matching you with your own line manager."
        ),
    )

    visibility = forms.ChoiceField(
        label=_("Who can see your profile"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can see your profile.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.supervisor: User | None = None

    def clean_timezone(self) -> str:
        return str(self.cleaned_data["timezone"]).strip()

    def clean_mentoring_capacity(self) -> int:
        return self.cleaned_data.get("mentoring_capacity") or 0

    def clean_supervisor_email(self) -> str:
        email = self.cleaned_data["supervisor_email"].strip().lower()
        if not email:
            return ""
        if email == self.user.email.lower():
            raise ValidationError(_("You cannot be your own supervisor."))
        # Someone who left your organizations stays your supervisor until you change it.
        current = Profile.objects.filter(user=self.user).values("supervisor_id")
        self.supervisor = (
            User.objects.filter(is_active=True, email__iexact=email)
            .filter(Q(pk__in=colleagues_of(self.user)) | Q(pk__in=current))
            .first()
        )
        if self.supervisor is None:
            raise ValidationError(
                _("No one in your organizations has this e-mail address."), code="unknown"
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        capacity, offered = data.get("mentoring_capacity"), data.get("roles_offered")
        if capacity and not offered and "roles_offered" not in self.errors:
            self.add_error("mentoring_capacity", NO_ROLES_OFFERED)
        return data

    def sections(self) -> list[Section]:
        return [
            Section(id, str(legend), [self[name] for name in names])
            for id, legend, names in SECTIONS
        ]

    def group_specialties(self) -> None:
        """Show specialties in <optgroup>s, the chosen profession's group first.

        Every group stays on offer (a nurse may well work in informatics), and the list is
        not narrowed on the fly: replacing it while someone is choosing would lose choices.
        """
        code = self["profession"].value()
        group = Profession.objects.filter(code=code).values_list("group", flat=True).first()
        field = self.fields["specialties"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.choices = grouped_specialty_choices(list(Specialty.objects.all()), first_group=group)

    def profile_data(self) -> ProfileData:
        """The validated values, ready for profile_update()."""
        data = self.cleaned_data
        return ProfileData(
            full_name=data["full_name"].strip(),
            timezone=data["timezone"],
            headline=data["headline"].strip(),
            bio=data["bio"].strip(),
            profession=data["profession"],
            career_stage=data["career_stage"],
            specialties=list(data["specialties"]),
            years_in_practice=data["years_in_practice"],
            workplace=data["workplace"].strip(),
            country=data["country"],
            region=data["region"].strip(),
            city=data["city"].strip(),
            languages=list(data["languages"]),
            hours_per_month=data["hours_per_month"],
            preferred_slots=_in_choice_order(data["preferred_slots"], Slot),
            shift_pattern=data["shift_pattern"],
            meeting_formats=_in_choice_order(data["meeting_formats"], MeetingFormat),
            goals=data["goals"].strip(),
            interests=data["interests"].strip(),
            roles_offered=_in_choice_order(data["roles_offered"], MentoringRole),
            roles_sought=_in_choice_order(data["roles_sought"], MentoringRole),
            mentoring_capacity=data["mentoring_capacity"],
            supervisor=self.supervisor,
            visibility=data["visibility"],
        )


def _in_choice_order(values: list[str], choices: Any) -> list[str]:
    chosen = set(values)
    return [value for value in choices.values if value in chosen]


def profile_form_initial(profile: Profile) -> dict[str, Any]:
    """The profile as form data: codes for vocabularies, lists for multiple choices."""
    user = profile.user
    return {
        "full_name": user.full_name,
        "timezone": user.timezone,
        "headline": profile.headline,
        "bio": profile.bio,
        "profession": profile.profession.code if profile.profession else "",
        "career_stage": profile.career_stage.code if profile.career_stage else "",
        "specialties": [specialty.code for specialty in profile.specialties.all()],
        "years_in_practice": profile.years_in_practice,
        "workplace": profile.workplace,
        "country": profile.country.code if profile.country else "",
        "region": profile.region,
        "city": profile.city,
        "languages": [language.code for language in profile.languages.all()],
        "hours_per_month": profile.hours_per_month,
        "preferred_slots": list(profile.preferred_slots),
        "shift_pattern": profile.shift_pattern,
        "meeting_formats": list(profile.meeting_formats),
        "goals": profile.goals,
        "interests": profile.interests,
        "roles_offered": list(profile.roles_offered),
        "roles_sought": list(profile.roles_sought),
        "mentoring_capacity": profile.mentoring_capacity,
        "supervisor_email": profile.supervisor.email if profile.supervisor else "",
        "visibility": profile.visibility,
    }


# --- Conflicts of interest ------------------------------------------------------------


class ConflictForm(forms.Form):
    other_email = forms.EmailField(
        label=_("Their e-mail address"),
        required=False,
        help_text=_("If the conflict is with a person: a relative, partner, business partner…"),
    )
    description = _text(
        _("Nature of the conflict"),
        300,
        help_text=_("For example “my spouse”, “we co-own a clinic”, “I am paid by company X”."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = (data.get("other_email") or "").strip().lower()
        description = (data.get("description") or "").strip()
        if email and email == self.user.email.lower():
            self.add_error("other_email", _("You cannot declare a conflict with yourself."))
        elif not email and not description and not self.errors:
            raise ValidationError(_("Give their e-mail address, a description, or both."))
        data["other_email"], data["description"] = email, description
        return data


# --- Directory filters ----------------------------------------------------------------


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or headline"), max_length=100, required=False)
    profession = _model_choice(Profession, _("Profession"))
    career_stage = _model_choice(CareerStage, _("Career stage"))
    specialty = _model_choice(Specialty, _("Specialty"))
    language = _model_choice(Language, _("Language"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        to_field_name="code",
        required=False,
        label=_("Organization"),
        empty_label=_("All my organizations"),
        error_messages={"invalid_choice": _("You are not in this organization.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organization.objects.filter(memberships__user=user)
        for name in ("profession", "career_stage", "specialty", "language"):
            self.fields[name].empty_label = _("Any")  # type: ignore[attr-defined]

    def group_specialties(self) -> None:
        """Show specialties in <optgroup>s by profession group (display only)."""
        field = self.fields["specialty"]
        assert isinstance(field, forms.ModelChoiceField)
        field.choices = [
            ("", _("Any")),
            *grouped_specialty_choices(list(Specialty.objects.all())),
        ]

    def filter(self, profiles: Any) -> Any:
        """Apply the valid filters to a Profile queryset."""
        data = self.cleaned_data
        if query := data.get("q", "").strip():
            profiles = profiles.filter(
                Q(user__full_name__icontains=query) | Q(headline__icontains=query)
            )
        for name, lookup in (
            ("profession", "profession"),
            ("career_stage", "career_stage"),
            ("specialty", "specialties"),
            ("language", "languages"),
        ):
            if data.get(name) is not None:
                profiles = profiles.filter(**{lookup: data[name]})
        if data.get("organization") is not None:
            profiles = profiles.filter(user__memberships__organization=data["organization"])
        return profiles
