import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carementor.credentials.models import CHECKLIST, Credential, RegisterCheck
from carementor.credentials.schemes import SCHEME_CHOICES, validate_number
from carementor.credentials.services import CredentialData
from carementor.credentials.uploads import (
    InspectedFile,
    UploadRejected,
    inspect_upload,
    read_upload,
)
from carementor.organizations.models import Organization


def check_values(
    scheme: str,
    number: str,
    jurisdiction: str,
    issued_on: datetime.date | None,
    expires_on: datetime.date | None,
) -> tuple[str, dict[str, list[str]]]:
    """The checks pages and API share: the normalized number and errors by field."""
    errors: dict[str, list[str]] = {}
    result = validate_number(scheme, number, jurisdiction)
    if not result.valid:
        errors["number"] = list(result.errors)
    today = timezone.localdate()
    if issued_on and issued_on > today:
        errors.setdefault("issued_on", []).append(str(_("The date of issue is in the future.")))
    if issued_on and expires_on and expires_on < issued_on:
        errors.setdefault("expires_on", []).append(
            str(_("The expiry date is before the date of issue."))
        )
    elif expires_on and expires_on < today:
        errors.setdefault("expires_on", []).append(
            str(_("This date has passed: enter the dates of the renewed credential."))
        )
    return result.normalized, errors


class DateInput(forms.DateInput):
    input_type = "date"


class CredentialForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization that reviews it"),
        empty_label=None,
        to_field_name="code",
    )
    scheme = forms.ChoiceField(label=_("Type of credential"), choices=SCHEME_CHOICES)
    number = forms.CharField(label=_("Number"), max_length=200, required=False)
    jurisdiction = forms.CharField(
        label=_("Jurisdiction (state, council or country)"), max_length=60, required=False
    )
    title = forms.CharField(
        label=_("Title of the qualification or certificate"), max_length=160, required=False
    )
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=160, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if it does not expire."),
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, PNG or JPEG, up to 10 MB)"),
        required=False,
        help_text=_("A scan or photo of the certificate. You can add more files later."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(
        self,
        *args: Any,
        organizations: "models.QuerySet[Organization]",
        with_evidence: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organization_field = self.fields["organization"]
        assert isinstance(organization_field, forms.ModelChoiceField)
        organization_field.queryset = organizations
        if not with_evidence:
            del self.fields["evidence"]
            del self.fields["organization"]
        self.inspected: InspectedFile | None = None
        self.upload_status = 422

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload:
            try:
                self.inspected = inspect_upload(upload.name or "", read_upload(upload))
            except UploadRejected as exc:
                self.upload_status = exc.status
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("scheme"):
            return data
        number, errors = check_values(
            data["scheme"],
            data.get("number", ""),
            data.get("jurisdiction", ""),
            data.get("issued_on"),
            data.get("expires_on"),
        )
        data["number"] = number
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        return data

    def to_data(self) -> CredentialData:
        data = self.cleaned_data
        return CredentialData(
            scheme=data["scheme"],
            number=data["number"],
            title=data["title"].strip(),
            issuing_body=data["issuing_body"].strip(),
            jurisdiction=data["jurisdiction"].strip(),
            issued_on=data["issued_on"],
            expires_on=data["expires_on"],
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Add evidence (PDF, PNG or JPEG, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspected: InspectedFile | None = None
        self.upload_status = 422

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.inspected = inspect_upload(upload.name or "", read_upload(upload))
        except UploadRejected as exc:
            self.upload_status = exc.status
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return upload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or note for the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label in CHECKLIST}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the verification revoked?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SecondReviewForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Second review"),
        choices=[("yes", _("Confirm")), ("no", _("Decline"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RegisterCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What the register showed"),
        choices=[c for c in RegisterCheck.Outcome.choices if c[0] != RegisterCheck.Outcome.ERROR],
    )
    note = forms.CharField(
        label=_("What you saw (name, status, dates, conditions)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


QUEUE_STATUSES = [
    ("waiting", _("Waiting for a decision")),
    *Credential.Status.choices,
    ("all", _("All")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=QUEUE_STATUSES, required=False)
    scheme = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any type")), *SCHEME_CHOICES], required=False
    )
    q = forms.CharField(label=_("Name or e-mail"), max_length=100, required=False)
    older_than = forms.IntegerField(
        label=_("Waiting at least (days)"), min_value=0, max_value=3650, required=False
    )


class PolicyForm(forms.Form):
    four_eyes = forms.BooleanField(
        label=_("A second reviewer confirms every rejection and revocation"), required=False
    )
