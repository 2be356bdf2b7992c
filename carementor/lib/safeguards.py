"""Patient identifiers in what people write: the refusal that asks them to edit or confirm.

:mod:`carementor.lib.phi` finds the identifiers (plain Python). This module gives them names
people read and one domain error, so community posts, chat lines and mentorship messages warn
the same way: 422 with code ``patient_identifiers`` and one entry per finding in ``errors``.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carementor.lib.errors import DomainError
from carementor.lib.phi import Finding, find_identifiers

FINDING_LABELS = {
    "aadhaar": gettext_lazy("Aadhaar number"),
    "abha": gettext_lazy("ABHA number"),
    "nhs_number": gettext_lazy("NHS number"),
    "ssn": gettext_lazy("Social Security number"),
    "medical_record_number": gettext_lazy("Medical record number"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "phone": gettext_lazy("Phone number"),
    "email": gettext_lazy("E-mail address"),
    "address": gettext_lazy("Postal address"),
    "name": gettext_lazy("Name"),
}


class IdentifiersFound(DomainError):
    """The text holds what looks like patient identifiers: edit it, or confirm it is not."""

    def __init__(self, findings: list[Finding], field: str = "body") -> None:
        self.findings = findings
        super().__init__(
            _(
                "This text may identify a patient. Remove the highlighted details, or confirm "
                "that they do not identify anyone."
            ),
            status=422,
            code="patient_identifiers",
            errors=[{"loc": [field], "msg": f.kind, **f.as_dict()} for f in findings],
        )


def require_no_identifiers(text: str, *, confirmed: bool, field: str = "body") -> list[Finding]:
    """Raise :class:`IdentifiersFound` unless the text has none or its author confirmed it
    identifies nobody; returns what was found (empty, or confirmed)."""
    findings = find_identifiers(text)
    if findings and not confirmed:
        raise IdentifiersFound(findings, field)
    return findings


def shown(findings: list[Finding], text: str) -> list[dict[str, str]]:
    """Each finding as the page shows it: its kind's name and the words it covers."""
    return [
        {
            "kind": str(FINDING_LABELS.get(f.kind, f.kind)),
            "text": text[f.start : f.end],
            "confidence": f.confidence,
        }
        for f in findings
    ]
