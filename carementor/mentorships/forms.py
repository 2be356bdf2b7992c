"""Forms for the relationship pages; they validate, services decide."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.accounts.models import User
from carementor.mentorships.meetings import MeetingData
from carementor.mentorships.models import Goal, MeetingMode, MeetingStatus, Outcome
from carementor.mentorships.plans import GoalData
from carementor.mentorships.services import AgreementData
from carementor.organizations.models import Membership
from carementor.profiles.models import Competency, MentoringRole
from carementor.programs.models import Program


class DateInput(forms.DateInput):
    input_type = "date"


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    goals = forms.CharField(
        label=_("Goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What the mentee wants to achieve, in their words."),
    )
    expectations = forms.CharField(
        label=_("Expectations of each other"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    meeting_frequency = forms.CharField(label=_("How often we meet"), max_length=200)
    meeting_mode = forms.CharField(
        label=_("How we meet"),
        max_length=200,
        required=False,
        help_text=_("In person, video or phone."),
    )
    duration = forms.CharField(label=_("For how long"), max_length=200, required=False)
    confidentiality = forms.CharField(
        label=_("Confidentiality and its limits"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("In plain words, including when confidentiality must be broken."),
    )

    def to_data(self) -> AgreementData:
        data = self.cleaned_data
        return AgreementData(
            goals=data["goals"],
            expectations=data["expectations"],
            meeting_frequency=data["meeting_frequency"],
            meeting_mode=data["meeting_mode"],
            duration=data["duration"],
            confidentiality=data["confidentiality"],
        )


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read this agreement and agree to it."), required=True
    )


class HelpForm(forms.Form):
    reason = forms.CharField(
        label=_("What would help? (only the coordinator reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ExtensionForm(forms.Form):
    new_ends_on = forms.DateField(label=_("Extend to"), widget=DateInput)
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The mentorship page also shows the ask-for-help form, whose field is "reason" too.
        kwargs.setdefault("auto_id", "id_extension_%s")
        super().__init__(*args, **kwargs)

    def clean_new_ends_on(self) -> Any:
        value = self.cleaned_data["new_ends_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return value


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reflection = forms.CharField(
        label=_("What did we achieve against our goals?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    redefined_as = forms.ChoiceField(
        label=_("Continue as (optional)"),
        choices=[("", _("No — the relationship ends here")), *MentoringRole.choices],
        required=False,
        help_text=_("Many relationships continue as peers or colleagues."),
    )


def _members_by_email(organization: Any, raw: str, field: str) -> list[User]:
    emails = [e.strip().lower() for e in raw.replace(";", ",").split(",") if e.strip()]
    if not emails:
        raise forms.ValidationError(_("Enter at least one e-mail address."))
    members = Membership.objects.filter(
        organization=organization, user__email__in=emails
    ).select_related("user")
    found = {m.user.email: m.user for m in members}
    missing = [e for e in emails if e not in found]
    if missing:
        raise forms.ValidationError(
            _("Not members of this organization: %(emails)s"), params={"emails": ", ".join(missing)}
        )
    return [found[e] for e in emails]


class CreateForm(forms.Form):
    """A coordinator pairs people directly."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label=_("Programme"), to_field_name="code"
    )
    role = forms.ChoiceField(label=_("Relationship"), choices=MentoringRole.choices)
    mentors = forms.CharField(
        label=_("Mentor e-mail addresses"), max_length=1000, help_text=_("Separate with commas.")
    )
    mentees = forms.CharField(
        label=_("Mentee e-mail addresses"),
        max_length=2000,
        help_text=_("Several mentees make a group mentorship."),
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        program = data.get("program")
        if program is None:
            return data
        for field in ("mentors", "mentees"):
            if field in data:
                try:
                    data[f"{field}_users"] = _members_by_email(
                        program.organization, data[field], field
                    )
                except forms.ValidationError as error:
                    self.add_error(field, error)
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.Form):
    """Times are entered and shown in the person's own timezone (the middleware activates it);
    Django converts them to UTC for storage."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts (your time)"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=45
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=MeetingMode.choices, initial="video")
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Leave empty for a Jitsi room, or paste a Zoom or Teams link (https)."),
    )
    location = forms.CharField(label=_("Place or phone number"), max_length=300, required=False)
    is_closure = forms.BooleanField(label=_("This is our closure meeting"), required=False)

    def clean_video_url(self) -> str:
        url = self.cleaned_data.get("video_url") or ""
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("Paste a video link that starts with https://."))
        return str(url)

    def clean_starts_at(self) -> Any:
        value = self.cleaned_data["starts_at"]
        if value < timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value

    def to_data(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(
            starts_at=d["starts_at"],
            duration_minutes=d["duration_minutes"],
            mode=d["mode"],
            title=d["title"],
            location=d["location"],
            video_url=d["video_url"],
            is_closure=d["is_closure"],
        )


class IdentifierConfirmation(forms.Form):
    """The "identifies nobody" box appears only once the detector has warned the author."""

    confirm_no_identifiers = forms.BooleanField(
        label=_("I am sure these details identify nobody"), required=False
    )

    def __init__(self, *args: Any, warned: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not warned:
            self.fields["confirm_no_identifiers"].widget = forms.HiddenInput()
        else:
            # The box comes last, after the text it vouches for.
            self.order_fields([f for f in self.fields if f != "confirm_no_identifiers"])


class AgendaForm(IdentifierConfirmation):
    text = forms.CharField(label=_("Add an item"), max_length=500)


class SharedNoteForm(IdentifierConfirmation):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    body = forms.CharField(
        label=_("Shared notes"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50000,
        required=False,
    )


class PrivateNoteForm(IdentifierConfirmation):
    body = forms.CharField(
        label=_("My private notes (only you can ever see these)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=50000,
        required=False,
    )


class RecordForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[(MeetingStatus.HELD, _("We met")), (MeetingStatus.NO_SHOW, _("No-show"))],
        widget=forms.RadioSelect,
    )
    present = forms.MultipleChoiceField(
        label=_("Who was there"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, parties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = {u.code: u for u in parties}
        self.fields["present"].choices = [(u.code, u.get_full_name()) for u in parties]  # type: ignore[attr-defined]

    def present_users(self) -> list[Any]:
        return [self.parties[c] for c in self.cleaned_data["present"]]


class GoalForm(IdentifierConfirmation):
    title = forms.CharField(
        label=_("Goal (specific)"), max_length=300, help_text=_("What exactly, in a sentence.")
    )
    measure = forms.CharField(
        label=_("How we will know (measurable)"), max_length=500, required=False
    )
    why = forms.CharField(
        label=_("Why it matters (relevant, achievable)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    target_date = forms.DateField(label=_("By when (time-bound)"), widget=DateInput, required=False)
    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies"),
        queryset=Competency.objects.all(),
        required=False,
        to_field_name="code",
    )

    def to_data(self) -> GoalData:
        d = self.cleaned_data
        return GoalData(
            title=d["title"],
            measure=d["measure"],
            why=d["why"],
            target_date=d["target_date"],
            competencies=tuple(d["competencies"]),
        )


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    confirm_no_identifiers = forms.BooleanField(required=False)


class ActionItemForm(IdentifierConfirmation):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(label=_("Who"))
    due_on = forms.DateField(label=_("Due"), widget=DateInput, required=False)
    goal = forms.ChoiceField(label=_("For goal"), required=False)

    def __init__(self, *args: Any, mentorship: Any, **kwargs: Any) -> None:
        # The plan page also shows the goal form, whose first field is "title" too.
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.parties = {u.code: u for u in mentorship.party_users()}
        self.goals = {g.code: g for g in Goal.objects.filter(mentorship=mentorship)}
        self.fields["owner"].choices = [(c, u.get_full_name()) for c, u in self.parties.items()]  # type: ignore[attr-defined]
        self.fields["goal"].choices = [("", "—")] + [(c, g.title) for c, g in self.goals.items()]  # type: ignore[attr-defined]

    def owner_user(self) -> Any:
        return self.parties[self.cleaned_data["owner"]]

    def goal_obj(self) -> Any:
        return self.goals.get(self.cleaned_data.get("goal") or "")
