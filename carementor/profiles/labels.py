"""Human names for the slugs that group the vocabularies (profession groups, competency domains).

The vocabulary rows themselves are data; these group slugs are few and fixed, so their
translatable names live in code. An unknown slug still gets a readable name.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from carementor.profiles.models import Competency, ProfileCompetency, Specialty

PROFESSION_GROUPS = {
    "medicine": _("Medicine"),
    "nursing": _("Nursing and midwifery"),
    "pharmacy": _("Pharmacy"),
    "dentistry": _("Dentistry"),
    "ayush": _("AYUSH (Ayurveda, Yoga, Unani, Siddha, Sowa-Rigpa, Homoeopathy)"),
    "allied": _("Allied health"),
    "informatics": _("Health informatics and digital health"),
    "management": _("Healthcare management"),
    "education": _("Health professions education"),
}

COMPETENCY_DOMAINS = {
    "clinical": _("Clinical practice"),
    "career": _("Career development"),
    "communication": _("Communication"),
    "leadership": _("Leadership and management"),
    "research": _("Research"),
    "education": _("Teaching and education"),
    "professionalism": _("Professionalism"),
    "quality": _("Quality and patient safety"),
    "wellbeing": _("Well-being"),
    "digital": _("Digital health"),
}

DIGITAL_HEALTH = _("Digital health")


def _readable(slug: str) -> str:
    return slug.replace("_", " ").replace("-", " ").capitalize()


def profession_group_label(group: str) -> str:
    return str(PROFESSION_GROUPS.get(group) or _readable(group))


def competency_domain_label(competency: Competency) -> str:
    # Every digital-health competency is shown together, whatever its domain slug.
    if competency.is_digital:
        return str(DIGITAL_HEALTH)
    return str(COMPETENCY_DOMAINS.get(competency.domain) or _readable(competency.domain))


def grouped_specialty_choices(
    specialties: list[Specialty], *, first_group: str | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Specialties as <optgroup>s by profession group; the given group comes first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for specialty in specialties:
        groups.setdefault(specialty.profession_group, []).append((specialty.code, specialty.name))
    order = sorted(groups, key=lambda g: (g != first_group, profession_group_label(g)))
    return [(profession_group_label(g), groups[g]) for g in order]


def grouped_competency_levels(
    levels: Iterable[ProfileCompetency],
) -> list[tuple[str, list[ProfileCompetency]]]:
    """A profile's rated competencies by domain, digital health first."""
    groups: dict[str, list[ProfileCompetency]] = {}
    for row in levels:
        groups.setdefault(competency_domain_label(row.competency), []).append(row)
    digital = str(DIGITAL_HEALTH)
    return sorted(groups.items(), key=lambda item: (item[0] != digital, item[0]))
