from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carementor.communities.models import (
    Interest,
    JoinPolicy,
    Label,
    PostKind,
    ReportReason,
)
from carementor.communities.posting import Draft
from carementor.lib.text import clean_name, clean_text
from carementor.profiles.models import Profession, Specialty


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, validators=[clean_name])
    description = forms.CharField(
        label=_("What it is for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
    )
    guidelines = forms.CharField(
        label=_("Guidelines"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[clean_text],
        help_text=_("Every member accepts these when joining. Leave empty for our standard ones."),
    )
    join_policy = forms.ChoiceField(label=_("Who may join"), choices=JoinPolicy.choices)
    scope = forms.ChoiceField(label=_("Open to"))
    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.all(),
        required=False,
        to_field_name="code",
    )
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        required=False,
        to_field_name="code",
    )
    region = forms.CharField(
        label=_("Region"), max_length=80, required=False, validators=[clean_name]
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=80, required=False, validators=[clean_name]
    )

    def __init__(self, *args: Any, organizations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("open", _("All professionals on CareMentor"))]
        choices += [(o.code, o.name) for o in organizations]
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices


class JoinForm(forms.Form):
    accept_guidelines = forms.BooleanField(
        label=_("I have read the guidelines and will follow them"), required=True
    )


class PostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is a"), choices=PostKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[clean_name])
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[clean_text],
        help_text=_("Markdown: **bold**, *italic*, lists, links. No patient details."),
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[clean_text],
        help_text=_("One a line: a DOI, a PubMed id or a guideline's web address."),
    )
    interest = forms.ChoiceField(label=_("Competing interests"), choices=Interest.choices)
    interest_detail = forms.CharField(
        label=_("Details of the interest"), max_length=300, required=False, validators=[clean_text]
    )
    confirm_no_identifiers = forms.BooleanField(
        label=_("I have checked: nothing here identifies a patient"), required=False
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_(
            "PDF, PNG or JPEG, 10 MB at most. Photos lose their hidden details (place, camera, "
            "time). Never a picture of a patient, a chart or a scan."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            title=data["title"],
            body=data["body"],
            kind=data["kind"],
            sources=data["sources"].splitlines(),
            interest=data["interest"],
            interest_detail=data["interest_detail"],
            confirm_no_identifiers=data["confirm_no_identifiers"],
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer or comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[clean_text],
    )
    confirm_no_identifiers = forms.BooleanField(
        label=_("I have checked: nothing here identifies a patient"), required=False
    )
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=_("PDF, PNG or JPEG, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the moderators should know"),
        max_length=500,
        required=False,
        validators=[clean_text],
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("approve", "hide", "remove", "restore", "dismiss", "label")]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, validators=[clean_text]
    )
    label = forms.ChoiceField(label=_("Label"), choices=Label.choices, required=False)
    comment = forms.CharField(max_length=16, required=False)


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (a, a)
            for a in (
                "approve",
                "decline",
                "make_moderator",
                "make_member",
                "warn",
                "suspend",
                "ban",
            )
        ]
    )
    member = forms.CharField(max_length=16)
    days = forms.IntegerField(min_value=1, max_value=90, required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, validators=[clean_text]
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))


class ChatForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200, validators=[clean_name])
    host = forms.EmailField(label=_("Host's e-mail address"))
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ChatMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[clean_text],
    )
    confirm_no_identifiers = forms.BooleanField(
        label=_("I have checked: nothing here identifies a patient"), required=False
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should it be shown again?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[clean_text],
        help_text=_("You can appeal once. A moderator decides."),
    )
    comment = forms.CharField(max_length=16, required=False, widget=forms.HiddenInput)


class AppealDecisionForm(forms.Form):
    appeal = forms.CharField(max_length=16)
    outcome = forms.ChoiceField(choices=[("restored", "restored"), ("upheld", "upheld")])
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, validators=[clean_text]
    )
