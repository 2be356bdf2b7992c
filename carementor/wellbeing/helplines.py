"""National help lines, kept as data: who they are for, how to reach them, and the date each
entry was last checked against its source. Re-check every entry at least twice a year and
change ``checked_on`` when you do; the support page shows the date to people.

Emergency numbers come first in each country: signposting is never a substitute for them.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Helpline:
    key: str
    country: str  # ISO 3166-1 alpha-2
    name: str
    phone: str
    audience: Promise
    hours: Promise
    url: str
    checked_on: date
    source: str
    emergency: bool = False


CHECKED = date(2026, 12, 7)

HELPLINES: tuple[Helpline, ...] = (
    Helpline(
        key="in-emergency",
        country="IN",
        name="Emergency (ERSS)",
        phone="112",
        audience=_("Anyone in immediate danger"),
        hours=_("24 hours"),
        url="https://112.gov.in/",
        checked_on=CHECKED,
        source="https://112.gov.in/",
        emergency=True,
    ),
    Helpline(
        key="in-tele-manas",
        country="IN",
        name="Tele-MANAS",
        phone="14416",
        audience=_("Anyone, free and confidential, in 20 Indian languages (also 1-800-891-4416)"),
        hours=_("24 hours"),
        url="https://telemanas.mohfw.gov.in/",
        checked_on=CHECKED,
        source="https://www.thehawk.in/news/health/tele-manas-mental-health-helpline-handles-over-238-lakh-calls-since-2022-prataprao-jadhav",
    ),
    Helpline(
        key="gb-emergency",
        country="GB",
        name="Emergency services",
        phone="999",
        audience=_("Anyone in immediate danger"),
        hours=_("24 hours"),
        url="https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/",
        checked_on=CHECKED,
        source="https://www.nhs.uk/nhs-services/urgent-and-emergency-care-services/when-to-call-999/",
        emergency=True,
    ),
    Helpline(
        key="gb-practitioner-health",
        country="GB",
        name="NHS Practitioner Health",
        phone="0300 0303 300",
        audience=_(
            "Free, confidential mental health service for NHS doctors, dentists and healthcare staff in England"
        ),
        hours=_("Monday to Friday 8:00–20:00, Saturday 8:00–14:00"),
        url="https://www.practitionerhealth.nhs.uk/",
        checked_on=CHECKED,
        source="https://www.practitionerhealth.nhs.uk/healthcare-staff-in-england",
    ),
    Helpline(
        key="gb-samaritans",
        country="GB",
        name="Samaritans",
        phone="116 123",
        audience=_("Anyone who is struggling, free from any phone"),
        hours=_("24 hours"),
        url="https://www.samaritans.org/",
        checked_on=CHECKED,
        source="https://www.samaritans.org/how-we-can-help/contact-samaritan/",
    ),
    Helpline(
        key="us-emergency",
        country="US",
        name="Emergency services",
        phone="911",
        audience=_("Anyone in immediate danger"),
        hours=_("24 hours"),
        url="https://www.911.gov/",
        checked_on=CHECKED,
        source="https://www.911.gov/",
        emergency=True,
    ),
    Helpline(
        key="us-988",
        country="US",
        name="988 Suicide & Crisis Lifeline",
        phone="988",
        audience=_("Anyone in emotional distress; call or text"),
        hours=_("24 hours"),
        url="https://988lifeline.org/",
        checked_on=CHECKED,
        source="https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline",
    ),
    Helpline(
        key="us-physician-support-line",
        country="US",
        name="Physician Support Line",
        phone="1-888-409-0141",
        audience=_(
            "Free, confidential peer support by psychiatrists for US physicians and medical students"
        ),
        hours=_("8:00–01:00 Eastern time, every day"),
        url="https://www.physiciansupportline.com/",
        checked_on=CHECKED,
        source="https://physiciansupportline.com/faq",
    ),
)

COUNTRY_NAMES = {"IN": _("India"), "GB": _("United Kingdom"), "US": _("United States")}


def for_countries(countries: list[str]) -> list[Helpline]:
    """The help lines of these countries, in that order; emergency numbers first in each."""
    ordered = []
    for country in countries:
        lines = [h for h in HELPLINES if h.country == country]
        ordered += sorted(lines, key=lambda h: not h.emergency)
    return ordered


def countries() -> list[str]:
    seen: list[str] = []
    for helpline in HELPLINES:
        if helpline.country not in seen:
            seen.append(helpline.country)
    return seen
