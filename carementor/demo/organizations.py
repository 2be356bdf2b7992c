"""The demo organizations: an Indian teaching hospital, an NHS trust and a nursing college.

The names are invented so that no real institution's people appear to be in the demo.
"""

from dataclasses import dataclass

from carementor.demo.rng import stable_code
from carementor.organizations.models import Organization


@dataclass(frozen=True)
class Site:
    city: str
    region: str
    country: str
    timezone: str
    # Languages people there commonly speak besides English, most common first.
    languages: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    name: str
    kind: str
    country: str
    timezone: str
    domain: str  # e-mail domain of its generated people
    share: float  # fraction of generated people who belong here
    sites: tuple[Site, ...]
    # Faker name locales and their weights (plus "kerala" for the local supplement).
    name_locales: tuple[tuple[str, float], ...]
    # profession code → weight
    professions: tuple[tuple[str, float], ...]


INDIA = "Asia/Kolkata"
LONDON = "Europe/London"

HOSPITAL = OrganizationSpec(
    slug="indus-ims",
    name="Indus Institute of Medical Sciences",
    kind=Organization.Kind.HOSPITAL,
    country="IN",
    timezone=INDIA,
    domain="indus-ims.example.org",
    share=0.5,
    sites=(
        Site("Pune", "Maharashtra", "IN", INDIA, ("mr", "hi"), 0.45),
        Site("Chennai", "Tamil Nadu", "IN", INDIA, ("ta", "te"), 0.3),
        Site("Jaipur", "Rajasthan", "IN", INDIA, ("hi", "raj"), 0.2),
        # Alumni who now practise abroad and mentor from there.
        Site("Houston", "Texas", "US", "America/Chicago", ("hi", "es"), 0.03),
        Site("Edison", "New Jersey", "US", "America/New_York", ("gu", "hi"), 0.02),
    ),
    name_locales=(("en_IN", 1.0),),
    professions=(
        ("physician", 38),
        ("medical-student", 12),
        ("registered-nurse", 12),
        ("nurse-practitioner", 1),
        ("midwife", 1),
        ("pharmacist", 5),
        ("pharmacy-student", 1),
        ("dentist", 3),
        ("dental-student", 1),
        ("ayurveda-practitioner", 2),
        ("homoeopath", 1),
        ("yoga-naturopathy-practitioner", 1),
        ("unani-practitioner", 0.5),
        ("siddha-practitioner", 0.5),
        ("ayush-student", 1.5),
        ("physiotherapist", 3),
        ("radiographer", 1.5),
        ("medical-laboratory-scientist", 1.5),
        ("dietitian", 1),
        ("clinical-psychologist", 1),
        ("optometrist", 1),
        ("speech-language-therapist", 0.5),
        ("allied-health-student", 1),
        ("health-informatician", 1.5),
        ("ehr-specialist", 1.5),
        ("medical-educator", 1),
        ("healthcare-manager", 2),
    ),
)

TRUST = OrganizationSpec(
    slug="pennine-nhs",
    name="Pennine Teaching Hospitals NHS Trust",
    kind=Organization.Kind.HOSPITAL,
    country="GB",
    timezone=LONDON,
    domain="pennine-nhs.example.org",
    share=0.3,
    sites=(
        Site("Leeds", "England", "GB", LONDON, ("pl", "ur", "pa"), 0.5),
        Site("Bradford", "England", "GB", LONDON, ("ur", "pa", "pl"), 0.2),
        Site("Manchester", "England", "GB", LONDON, ("ur", "ar", "yo"), 0.25),
        Site("Cardiff", "Wales", "GB", LONDON, ("cy",), 0.05),
    ),
    name_locales=(("en_GB", 0.72), ("en_IN", 0.18), ("en_US", 0.10)),
    professions=(
        ("physician", 32),
        ("physician-associate", 2),
        ("medical-student", 4),
        ("registered-nurse", 22),
        ("nurse-practitioner", 3),
        ("midwife", 4),
        ("nursing-student", 2),
        ("pharmacist", 7),
        ("pharmacy-student", 1),
        ("dentist", 1),
        ("physiotherapist", 4),
        ("occupational-therapist", 3),
        ("radiographer", 3),
        ("medical-laboratory-scientist", 2),
        ("dietitian", 2),
        ("paramedic", 2),
        ("clinical-psychologist", 2),
        ("speech-language-therapist", 1.5),
        ("audiologist", 0.5),
        ("health-informatician", 2),
        ("ehr-specialist", 2),
        ("medical-educator", 1),
        ("healthcare-manager", 3),
    ),
)

NURSING_COLLEGE = OrganizationSpec(
    slug="vembanad-nursing",
    name="Vembanad College of Nursing, Kochi",
    kind=Organization.Kind.NURSING_COLLEGE,
    country="IN",
    timezone=INDIA,
    domain="vembanad-nursing.example.org",
    share=0.2,
    sites=(
        Site("Kochi", "Kerala", "IN", INDIA, ("ml", "ta"), 0.75),
        Site("Thrissur", "Kerala", "IN", INDIA, ("ml",), 0.15),
        Site("Kottayam", "Kerala", "IN", INDIA, ("ml",), 0.1),
    ),
    name_locales=(("kerala", 0.55), ("en_IN", 0.45)),
    professions=(
        ("nursing-student", 62),
        ("registered-nurse", 22),
        ("gnm-nurse", 4),
        ("anm", 2),
        ("midwife", 3),
        ("nurse-practitioner", 1),
        ("medical-educator", 4),
        ("healthcare-manager", 2),
    ),
)

ORGANIZATIONS: tuple[OrganizationSpec, ...] = (HOSPITAL, TRUST, NURSING_COLLEGE)


def seed_organizations() -> dict[str, Organization]:
    """Create the demo organizations once; later runs find them by slug and change nothing."""
    found: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        organization, _created = Organization.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "code": stable_code("organization", spec.slug),
                "name": spec.name,
                "kind": spec.kind,
                "country": spec.country,
                "timezone": spec.timezone,
            },
        )
        found[spec.slug] = organization
    return found
