"""Credential schemes: what a number looks like, how to normalize it, where to check it.

Pure Python (no database), so validators can be unit- and property-tested on their own.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    """What a verified credential proves. Decides which verification kind it satisfies."""

    LICENCE = "licence"  # a registration or licence to practise
    QUALIFICATION = "qualification"  # a degree or board certificate
    IDENTITY = "identity"
    EMPLOYMENT = "employment"
    OTHER = "other"


@dataclass(frozen=True)
class Result:
    valid: bool
    normalized: str
    errors: list[str] = field(default_factory=list)


Validator = Callable[[str, str], Result]


@dataclass(frozen=True)
class Scheme:
    code: str
    label: Promise
    kind: Kind
    country: str  # ISO 3166-1 alpha-2, or "" for any
    validate: Validator
    number_hint: Promise
    issuing_body: str = ""
    register_name: str = ""
    register_url: str = ""
    # Schemes whose "number" is only a reference and may be left empty.
    number_optional: bool = False
    # Schemes that need a jurisdiction (a US state, an Indian state council).
    jurisdiction_required: bool = False
    lookup_source: str = ""  # a register adapter (see registers.py), if one exists


US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    ]
)

_SPACES = re.compile(r"[\s\u00a0]+")


def _compact(value: str) -> str:
    """Upper-case and drop spaces; people paste numbers with spaces and lower case."""
    return _SPACES.sub("", value).upper()


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI: computed over the prefix 80840 plus nine digits."""
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    # Double every second digit from the right of the payload (the check digit is absent).
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(number: str) -> bool:
    if not re.fullmatch(r"[12]\d{9}", number):
        return False
    return npi_check_digit(number[:9]) == int(number[9])


def _digits(min_len: int, max_len: int, name: Promise) -> Validator:
    def validate(number: str, jurisdiction: str = "") -> Result:
        value = _compact(number)
        if not value.isdecimal() or not value.isascii():
            return Result(False, value, [str(_("%(name)s has only digits.") % {"name": name})])
        if not min_len <= len(value) <= max_len:
            if min_len == max_len:
                message = _("%(name)s has exactly %(count)d digits.") % {
                    "name": name,
                    "count": min_len,
                }
            else:
                message = _("%(name)s has %(min)d to %(max)d digits.") % {
                    "name": name,
                    "min": min_len,
                    "max": max_len,
                }
            return Result(False, value, [str(message)])
        return Result(True, value)

    return validate


def validate_npi(number: str, jurisdiction: str = "") -> Result:
    value = _compact(number).replace("-", "")
    if not value.isdecimal() or not value.isascii() or len(value) != 10:
        return Result(False, value, [str(_("An NPI has exactly 10 digits."))])
    if value[0] not in "12":
        return Result(False, value, [str(_("An NPI starts with 1 or 2."))])
    if not is_valid_npi(value):
        return Result(
            False, value, [str(_("This is not a valid NPI: the check digit does not match."))]
        )
    return Result(True, value)


def validate_nmc_uk_pin(number: str, jurisdiction: str = "") -> Result:
    value = _compact(number)
    if not re.fullmatch(r"\d{2}[A-Z]\d{4}[A-Z]", value):
        return Result(
            False,
            value,
            [
                str(
                    _(
                        "An NMC PIN looks like 12A3456E: two digits, a letter, four digits, a letter."
                    )
                )
            ],
        )
    return Result(True, value)


def validate_hcpc(number: str, jurisdiction: str = "") -> Result:
    value = _compact(number)
    if not re.fullmatch(r"[A-Z]{2,3}\d{4,6}", value):
        return Result(
            False,
            value,
            [str(_("An HCPC number is a profession prefix and digits, e.g. PH123456."))],
        )
    return Result(True, value)


def _registration(name: Promise, *, max_len: int = 30) -> Validator:
    """Council registration numbers in India vary by council: letters, digits, / - and dots."""

    def validate(number: str, jurisdiction: str = "") -> Result:
        value = _compact(number)
        if not value:
            return Result(False, value, [str(_("Enter the %(name)s.") % {"name": name})])
        if len(value) > max_len:
            return Result(
                False,
                value,
                [str(_("That is too long for a %(name)s.") % {"name": name})],
            )
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9/.\-]*", value) or not value.isascii():
            return Result(
                False,
                value,
                [
                    str(
                        _("Use only letters, digits, “/”, “-” and “.” in a %(name)s.")
                        % {"name": name}
                    )
                ],
            )
        if not any(ch.isdigit() for ch in value):
            return Result(False, value, [str(_("A %(name)s contains digits.") % {"name": name})])
        return Result(True, value)

    return validate


def validate_us_state_licence(number: str, jurisdiction: str = "") -> Result:
    state = _compact(jurisdiction).removeprefix("US-")
    base = _registration(_("state licence number"), max_len=20)(number, "")
    errors = list(base.errors)
    if state not in US_STATES:
        errors.insert(0, str(_("Choose the US state that issued the licence (e.g. CA).")))
    return Result(not errors, base.normalized, errors)


def _free_text(*, optional: bool) -> Validator:
    """Reference numbers checked by a person, not a pattern."""

    def validate(number: str, jurisdiction: str = "") -> Result:
        value = _SPACES.sub(" ", number).strip()
        if not value:
            if optional:
                return Result(True, "")
            return Result(False, value, [str(_("Enter the certificate or reference number."))])
        if len(value) > 60:
            return Result(False, value[:60], [str(_("Keep the reference under 60 characters."))])
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            return Result(False, value, [str(_("The reference contains control characters."))])
        return Result(True, value)

    return validate


_SCHEMES: list[Scheme] = [
    # --- India ---
    Scheme(
        "in_medical_council",
        _("India: NMC / state medical council registration"),
        Kind.LICENCE,
        "IN",
        _registration(_("medical council registration number")),
        _("As printed on your council certificate, e.g. TNMC 123456 or MMC/2009/01234"),
        issuing_body="National Medical Commission or a State Medical Council",
        register_name="Indian Medical Register (NMC)",
        register_url="https://www.nmc.org.in/information-desk/indian-medical-register/",
        jurisdiction_required=True,
    ),
    Scheme(
        "in_nmr",
        _("India: National Medical Register (NMR) ID"),
        Kind.LICENCE,
        "IN",
        _registration(_("NMR ID"), max_len=24),
        _("Your NMR ID from the NMC portal"),
        issuing_body="National Medical Commission (Ethics and Medical Registration Board)",
        register_name="National Medical Register",
        register_url="https://nmr-nmc.abdm.gov.in/",
    ),
    Scheme(
        "in_nursing_council",
        _("India: Indian Nursing Council / state nursing council registration"),
        Kind.LICENCE,
        "IN",
        _registration(_("nursing council registration number")),
        _("Your RN/RM registration or Nurse Unique ID (NUID)"),
        issuing_body="Indian Nursing Council or a State Nursing Council",
        register_name="Indian Nursing Council",
        register_url="https://www.indiannursingcouncil.org/",
        jurisdiction_required=True,
    ),
    Scheme(
        "in_pharmacy_council",
        _("India: Pharmacy Council of India / state pharmacy council registration"),
        Kind.LICENCE,
        "IN",
        _registration(_("pharmacy council registration number")),
        _("As printed on your state pharmacy council certificate"),
        issuing_body="Pharmacy Council of India or a State Pharmacy Council",
        register_name="Pharmacy Council of India",
        register_url="https://www.pci.nic.in/",
        jurisdiction_required=True,
    ),
    Scheme(
        "in_dental_council",
        _("India: Dental Council of India / state dental council registration"),
        Kind.LICENCE,
        "IN",
        _registration(_("dental council registration number")),
        _("As printed on your state dental council certificate"),
        issuing_body="Dental Council of India or a State Dental Council",
        register_name="Dental Council of India",
        register_url="https://dciindia.gov.in/",
        jurisdiction_required=True,
    ),
    Scheme(
        "in_ayush_council",
        _("India: AYUSH council registration (NCISM, NCH or state board)"),
        Kind.LICENCE,
        "IN",
        _registration(_("AYUSH registration number")),
        _(
            "Central or state register number for Ayurveda, Unani, Siddha, Sowa-Rigpa or Homoeopathy"
        ),
        issuing_body="NCISM, NCH or a State Board of Indian Medicine / Homoeopathy",
        register_name="National Commission for Indian System of Medicine",
        register_url="https://ncismindia.org/",
    ),
    Scheme(
        "in_allied_council",
        _("India: allied and healthcare professions council registration"),
        Kind.LICENCE,
        "IN",
        _registration(_("allied health registration number")),
        _("As printed on your NCAHP or state council certificate"),
        issuing_body="National Commission for Allied and Healthcare Professions or a State Council",
        register_name="National Commission for Allied and Healthcare Professions",
        jurisdiction_required=True,
    ),
    # --- United Kingdom ---
    Scheme(
        "gb_gmc",
        _("UK: GMC reference number"),
        Kind.LICENCE,
        "GB",
        _digits(7, 7, _("A GMC reference number")),
        _("7 digits, e.g. 1234567"),
        issuing_body="General Medical Council",
        register_name="GMC medical register (LRMP)",
        register_url="https://www.gmc-uk.org/registration-and-licensing/the-medical-register",
    ),
    Scheme(
        "gb_nmc",
        _("UK: NMC PIN"),
        Kind.LICENCE,
        "GB",
        validate_nmc_uk_pin,
        _("e.g. 12A3456E"),
        issuing_body="Nursing and Midwifery Council",
        register_name="NMC register",
        register_url="https://www.nmc.org.uk/registration/search-the-register/",
    ),
    Scheme(
        "gb_gphc",
        _("UK: GPhC registration number"),
        Kind.LICENCE,
        "GB",
        _digits(7, 7, _("A GPhC registration number")),
        _("7 digits, e.g. 2012345"),
        issuing_body="General Pharmaceutical Council",
        register_name="GPhC register",
        register_url="https://www.pharmacyregulation.org/registers",
    ),
    Scheme(
        "gb_gdc",
        _("UK: GDC number"),
        Kind.LICENCE,
        "GB",
        _digits(1, 7, _("A GDC number")),
        _("Up to 7 digits, e.g. 81234"),
        issuing_body="General Dental Council",
        register_name="GDC online register",
        register_url="https://olr.gdc-uk.org/SearchRegister",
    ),
    Scheme(
        "gb_hcpc",
        _("UK: HCPC registration number"),
        Kind.LICENCE,
        "GB",
        validate_hcpc,
        _("Profession prefix and digits, e.g. PH123456"),
        issuing_body="Health and Care Professions Council",
        register_name="HCPC register",
        register_url="https://www.hcpc-uk.org/check-the-register/",
    ),
    # --- United States ---
    Scheme(
        "us_npi",
        _("US: National Provider Identifier (NPI)"),
        Kind.LICENCE,
        "US",
        validate_npi,
        _("10 digits starting with 1 or 2"),
        issuing_body="CMS National Plan and Provider Enumeration System",
        register_name="NPPES NPI Registry",
        register_url="https://npiregistry.cms.hhs.gov/search",
        lookup_source="nppes",
    ),
    Scheme(
        "us_state_licence",
        _("US: state licence"),
        Kind.LICENCE,
        "US",
        validate_us_state_licence,
        _("The licence number; choose the state as jurisdiction"),
        issuing_body="State licensing board",
        register_name="DocInfo (Federation of State Medical Boards)",
        register_url="https://www.docinfo.org/",
        jurisdiction_required=True,
    ),
    # --- Anywhere ---
    Scheme(
        "specialty_board",
        _("Specialty board certificate"),
        Kind.QUALIFICATION,
        "",
        _free_text(optional=False),
        _("Certificate or membership number, e.g. MRCPCH or DNB roll number"),
    ),
    Scheme(
        "degree",
        _("Degree"),
        Kind.QUALIFICATION,
        "",
        _free_text(optional=True),
        _("Degree certificate or enrolment number, if printed"),
    ),
    Scheme(
        "identity",
        _("Identity document (for non-clinical coaches)"),
        Kind.IDENTITY,
        "",
        _free_text(optional=True),
        _("Optional. Never enter an Aadhaar, passport or national insurance number here."),
        number_optional=True,
    ),
    Scheme(
        "employment",
        _("Employment evidence (for non-clinical coaches)"),
        Kind.EMPLOYMENT,
        "",
        _free_text(optional=True),
        _("Optional staff or reference number from your employer's letter"),
        number_optional=True,
    ),
    Scheme(
        "other",
        _("Other (checked by hand)"),
        Kind.OTHER,
        "",
        _free_text(optional=False),
        _("The number as printed on the document"),
    ),
]

SCHEMES: dict[str, Scheme] = {scheme.code: scheme for scheme in _SCHEMES}
SCHEME_CHOICES: list[tuple[str, Promise]] = [(s.code, s.label) for s in _SCHEMES]


def get_scheme(code: str) -> Scheme | None:
    return SCHEMES.get(code)


def validate_number(scheme_code: str, number: str, jurisdiction: str = "") -> Result:
    """Check and normalize a number for a scheme. Never raises for any input string."""
    scheme = SCHEMES.get(scheme_code)
    if scheme is None:
        return Result(False, "", [str(_("Unknown credential scheme."))])
    if len(number) > 200:
        return Result(False, "", [str(_("That number is far too long."))])
    result = scheme.validate(number, jurisdiction)
    if scheme.jurisdiction_required and not jurisdiction.strip() and result.valid:
        return Result(
            False,
            result.normalized,
            [str(_("Say which council or state issued it (jurisdiction)."))],
        )
    return result
