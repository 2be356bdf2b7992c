"""Finding patient identifiers in free text before it is saved. Plain Python, no Django.

``find_identifiers(text)`` returns every likely identifier with its kind, character span and a
confidence. *High* findings are identifiers by construction (a number with a valid check digit,
a labelled record number or date of birth): a community post holding one is held for a
moderator. *Medium* findings (a name after a title, a phone number, an e-mail or postal
address, a date next to a name) may be harmless — a mentor's own phone number, "Mr Kumar" the
hospital manager — so the author is asked to edit or to confirm. Messages, notes and goals can
call the same function and warn.

The patterns favour Indian, UK and US forms, the places CareMentor serves. Numbers are checked
the way their issuers check them (Verhoeff for Aadhaar, modulus 11 for NHS numbers), so a dose,
a lab value, a year or an ICD code is not mistaken for one.
"""

import re
from dataclasses import dataclass

HIGH = "high"
MEDIUM = "medium"


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    confidence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
        }


# --- Check digits ----------------------------------------------------------------------------

# Verhoeff's dihedral-group tables, as UIDAI uses them for the 12th digit of an Aadhaar number.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _D[check][_P[i % 8][int(digit)]]
    return check == 0


def verhoeff_digit(digits: str) -> str:
    """The check digit to append to ``digits`` (used to generate test identifiers)."""
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _D[check][_P[(i + 1) % 8][int(digit)]]
    return str(_INV[check])


def nhs_check_digit(nine: str) -> int | None:
    """The NHS number's tenth digit for its first nine, or None when none is valid (10)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_valid(digits: str) -> bool:
    return nhs_check_digit(digits[:9]) == int(digits[9])


# --- Patterns --------------------------------------------------------------------------------

_AADHAAR = re.compile(r"(?<![\d-])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\d-])")
_ABHA = re.compile(r"(?<![\d-])\d{2}-\d{4}-\d{4}-\d{4}(?![\d-])|(?i:\babha\b[^\d\n]{0,20})\d{14}\b")
_NHS = re.compile(r"(?<![\d-])\d{3}([ -]?)\d{3}\1\d{4}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
_MRN = re.compile(
    r"\b(?:MRN|UHID|MR\s?No|IP\s?No|OP\s?No|IPD\s?No|OPD\s?No|CR\s?No|Reg(?:istration)?\s?No"
    r"|Hospital\s?(?:No|Number)|Case\s?No|Medical\s+record\s+(?:no|number))\b\.?"
    r"[\s:#.-]{0,3}(?:no\.?|number)?[\s:#.-]{0,3}[A-Z]{0,4}[/-]?\d{4,}(?:[/-]\d+)*",
    re.IGNORECASE,
)
_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2})"
_DOB = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?|b\.)[\s:-]{0,3}" + _DATE,
    re.IGNORECASE,
)
_BARE_DATE = re.compile(r"\b" + _DATE)
_PHONE_IN = re.compile(r"(?<![\d+])(?:\+91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\d)")
_PHONE_UK = re.compile(
    r"(?<![\d+])(?:(?:\+44\s?|0)7\d{3}\s?\d{3}\s?\d{3}|(?:\+44\s?|0)[12]\d{2,3}\s?\d{3}\s?\d{3,4})(?!\d)"
)
_PHONE_US = re.compile(r"(?<![\d+])(?:\+1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_ADDRESS = (
    re.compile(r"\b(?:pin\s?code|pin|postcode|zip)[\s:-]{0,3}\d{6}\b", re.IGNORECASE),
    # A UK postcode in capitals ("LS1 3EX"), never "e11 9ab" in prose.
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"),
    re.compile(
        r"\b\d{1,5},?\s+(?:[A-Z][a-z]+\s){1,3}(?:Road|Rd|Street|St|Nagar|Lane|Avenue|Colony|Marg)\b"
    ),
)
_NAME_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Smt|Shri|Sri|Kumari|Master|Baby\s+of)\.?\s+"
    r"([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})"
)
_NAME_PATIENT = re.compile(
    r"\b(?:[Pp]atient|[Pp]t\.?|PATIENT)\s*(?:name)?[:\s-]{1,3}([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})"
)
# Capitalised words that follow "patient" in ordinary teaching text and name nobody.
_NOT_NAMES = frozenset(
    """A An The This That These Those With Without Who Was Were Is Are Has Had Have In On At For
    Of To And Or But If When After Before During Safety Care Education Centred Centered
    Experience Outcomes Outcome Records Record Information Consent Data Flow Handover Reported
    Satisfaction Journey Voice Advocate Group Groups Leaflet Leaflets Feedback Admission
    Transport Safety Positioning Monitoring Assessment Identification Privacy Rights Charter
    Controlled Analgesia Portal Pathway Notes Participation Involvement Population Cohort
    Characteristics Selection Details Demographics One Two Three Four Five Six Seven Eight Nine
    Ten I II III IV Zero First Second Third Several Many Most Some Every Each Both Our Your Their
    His Her Its Level Acuity Status Population Number Numbers Age Ages Education""".split()  # noqa: SIM905
)


def _add(found: list[Finding], kind: str, match: re.Match[str], confidence: str) -> None:
    found.append(Finding(kind, match.start(), match.end(), confidence))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _names(text: str) -> list[Finding]:
    found: list[Finding] = []
    for pattern in (_NAME_TITLE, _NAME_PATIENT):
        for match in pattern.finditer(text):
            words = match.group(1).split()
            while words and words[-1] in _NOT_NAMES:
                words.pop()
            if not words or words[0] in _NOT_NAMES:
                continue
            end = match.start(1) + len(" ".join(words))
            found.append(Finding("name", match.start(), end, MEDIUM))
    return found


def find_identifiers(text: str) -> list[Finding]:
    """Every likely patient identifier in ``text``, in order, overlaps resolved in favour of
    the more confident (then the longer) finding."""
    found: list[Finding] = []
    for match in _AADHAAR.finditer(text):
        if verhoeff_valid(_digits(match.group())):
            _add(found, "aadhaar", match, HIGH)
    for match in _ABHA.finditer(text):
        _add(found, "abha", match, HIGH)
    for match in _NHS.finditer(text):
        if nhs_valid(_digits(match.group())):
            _add(found, "nhs_number", match, HIGH)
    for match in _SSN.finditer(text):
        _add(found, "ssn", match, HIGH)
    for match in _MRN.finditer(text):
        _add(found, "medical_record_number", match, HIGH)
    for match in _DOB.finditer(text):
        _add(found, "date_of_birth", match, HIGH)
    for pattern in (_PHONE_IN, _PHONE_UK, _PHONE_US):
        for match in pattern.finditer(text):
            _add(found, "phone", match, MEDIUM)
    for match in _EMAIL.finditer(text):
        _add(found, "email", match, MEDIUM)
    for pattern in _ADDRESS:
        for match in pattern.finditer(text):
            _add(found, "address", match, MEDIUM)
    names = _names(text)
    found += names
    # A date close after a name is most likely that person's date of birth or admission.
    for name in names:
        window = text[name.end : name.end + 60]
        date = _BARE_DATE.search(window)
        if date is not None:
            found.append(
                Finding("date_of_birth", name.end + date.start(), name.end + date.end(), MEDIUM)
            )
    return _resolve(found)


def _resolve(found: list[Finding]) -> list[Finding]:
    rank = {HIGH: 0, MEDIUM: 1}
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (rank[f.confidence], f.start - f.end)):
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def has_high(findings: list[Finding]) -> bool:
    return any(f.confidence == HIGH for f in findings)
