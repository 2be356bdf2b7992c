"""Generated people: realistic, internally consistent healthcare professionals.

Person *i* depends only on (seed, i), never on how many people are asked for, so
``--users 400`` after ``--users 300`` adds exactly 100 people and the first 300 stay as
they were. Consistency rules: specialties come from the person's profession family,
years in practice fit the career stage, languages fit the place, mentors rate themselves
higher (except, often, on digital skills — the reverse-mentoring gap).
"""

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection, transaction
from faker.providers.person.en_GB import Provider as GBNames
from faker.providers.person.en_IN import Provider as INNames
from faker.providers.person.en_US import Provider as USNames

from carementor.demo import texts
from carementor.demo.organizations import ORGANIZATIONS, OrganizationSpec, Site
from carementor.demo.records import PersonData, ProfileData, existing_emails, write_people
from carementor.demo.rng import Weighted, code_from, rng_for
from carementor.demo.vocabulary import ProfessionRef, SpecialtyRef, Vocabulary
from carementor.organizations.models import Organization
from carementor.profiles.models import MeetingFormat, MentoringRole, ShiftPattern, Slot

# People are generated and written this many at a time, each chunk in one transaction.
CHUNK_SIZE = 5000
# Fixed so that the same seed gives the same join dates whenever it runs.
EPOCH = datetime(2025, 6, 1, tzinfo=UTC)

WORKING_STAGES = Weighted(
    [
        ("intern", 6),
        ("resident", 18),
        ("early-career", 22),
        ("mid-career", 26),
        ("senior", 22),
        ("retired", 4),
    ]
)
# A college's non-student staff are mostly its faculty.
FACULTY_STAGES = Weighted([("early-career", 20), ("mid-career", 45), ("senior", 35)])
SHIFTS_NURSING = Weighted(
    [
        (ShiftPattern.ROTATING.value, 0.5),
        (ShiftPattern.NIGHTS.value, 0.2),
        (ShiftPattern.REGULAR.value, 0.3),
    ]
)
SHIFTS_TRAINEE_DOCTOR = Weighted(
    [
        (ShiftPattern.ON_CALL.value, 0.5),
        (ShiftPattern.ROTATING.value, 0.4),
        (ShiftPattern.REGULAR.value, 0.1),
    ]
)
SHIFTS_OTHER = Weighted(
    [
        (ShiftPattern.REGULAR.value, 0.7),
        (ShiftPattern.FLEXIBLE.value, 0.2),
        (ShiftPattern.ROTATING.value, 0.1),
    ]
)
VISIBILITY = Weighted([("organization", 0.8), ("platform", 0.15), ("private", 0.05)])
YEARS = {
    "student": (0, 0),
    "intern": (0, 1),
    "resident": (1, 6),
    "early-career": (2, 8),
    "mid-career": (8, 20),
    "senior": (15, 35),
    "retired": (30, 45),
}
# Tuned so that about one person in five is a mentor.
MENTOR_PROBABILITY = {
    "student": 0.0,
    "intern": 0.0,
    "resident": 0.04,
    "early-career": 0.12,
    "mid-career": 0.34,
    "senior": 0.55,
    "retired": 0.4,
}

# Specialty families a profession draws from; a profession not listed uses its whole group.
PROFESSION_ROOTS: dict[str, tuple[str, ...]] = {
    "physician-associate": (
        "internal-medicine",
        "emergency-medicine",
        "general-surgery",
        "general-practice",
        "hospital-medicine",
    ),
    "registered-nurse": ("general-nursing",),
    "gnm-nurse": ("general-nursing",),
    "nursing-student": ("general-nursing", "midwifery"),
    "nurse-practitioner": ("nurse-practitioner",),
    "midwife": ("midwifery",),
    "anm": ("auxiliary-nursing-midwifery",),
    "ayurveda-practitioner": ("ayurveda",),
    "yoga-naturopathy-practitioner": ("yoga", "naturopathy"),
    "unani-practitioner": ("unani",),
    "siddha-practitioner": ("siddha",),
    "sowa-rigpa-practitioner": ("sowa-rigpa",),
    "homoeopath": ("homoeopathy",),
    "ayush-student": ("ayurveda", "homoeopathy", "unani", "siddha", "yoga"),
    "physiotherapist": ("physiotherapy",),
    "occupational-therapist": ("occupational-therapy",),
    "radiographer": ("radiography",),
    "medical-laboratory-scientist": ("medical-laboratory-science",),
    "dietitian": ("dietetics",),
    "paramedic": ("paramedic-science",),
    "clinical-psychologist": ("psychology",),
    "optometrist": ("optometry",),
    "speech-language-therapist": ("speech-language-therapy",),
    "audiologist": ("audiology",),
    "allied-health-student": (
        "physiotherapy",
        "occupational-therapy",
        "radiography",
        "medical-laboratory-science",
        "dietetics",
        "optometry",
    ),
}
# Hands-on competencies only the professions that practise them rate themselves on.
HANDS_ON_COMPETENCIES: dict[str, frozenset[str]] = {
    "procedural-skills": frozenset({"medicine", "nursing", "dentistry", "allied", "ayush"}),
    "point-of-care-ultrasound": frozenset({"medicine"}),
    "safe-prescribing": frozenset({"medicine", "pharmacy", "dentistry", "ayush", "nursing"}),
}
FORMAT_WEIGHTS = (
    (MeetingFormat.VIDEO.value, 0.85),
    (MeetingFormat.PHONE.value, 0.45),
    (MeetingFormat.CHAT.value, 0.45),
    (MeetingFormat.IN_PERSON.value, 0.4),
)
SLOTS = tuple(slot.value for slot in Slot)
OFFERED_EXTRAS = (
    MentoringRole.COACH.value,
    MentoringRole.ADVISOR.value,
    MentoringRole.SPONSOR.value,
)
SOUGHT_EXTRAS = (
    MentoringRole.PEER.value,
    MentoringRole.COACH.value,
    MentoringRole.ADVISOR.value,
    MentoringRole.SPONSOR.value,
)


# Faker keeps some name lists as plain tuples, others as {name: frequency}.
Names = Sequence[str] | Mapping[str, float]


class NamePool:
    """First and last names of one locale, with Faker's frequency weights where it has them."""

    def __init__(self, female: Names, male: Names, last: Names) -> None:
        self.female = self._weighted(female)
        self.male = self._weighted(male)
        self.last = self._weighted(last)

    @staticmethod
    def _weighted(names: Names) -> Weighted[str]:
        if isinstance(names, Mapping):
            return Weighted(names.items())
        return Weighted((name, 1.0) for name in names)

    def pick(self, rng: random.Random, *, female: bool) -> tuple[str, str]:
        first = (self.female if female else self.male).pick(rng)
        return first, self.last.pick(rng)


@cache
def name_pools() -> dict[str, NamePool]:
    return {
        "en_IN": NamePool(INNames.first_names_female, INNames.first_names_male, INNames.last_names),
        "en_GB": NamePool(GBNames.first_names_female, GBNames.first_names_male, GBNames.last_names),
        "en_US": NamePool(USNames.first_names_female, USNames.first_names_male, USNames.last_names),
        "kerala": NamePool(
            texts.KERALA_FIRST_NAMES_FEMALE, texts.KERALA_FIRST_NAMES_MALE, texts.KERALA_LAST_NAMES
        ),
    }


def _ascii(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _title(profession: ProfessionRef, stage: str, country: str) -> str:
    if profession.code == "physician":
        if stage == "senior":
            return "Consultant"
        if stage == "resident":
            return "Specialty registrar" if country == "GB" else "Resident doctor"
        if stage == "intern":
            return "Foundation doctor" if country == "GB" else "Intern"
        return "Retired doctor" if stage == "retired" else "Doctor"
    noun = profession.name.split(" (")[0].split(" / ")[0]
    prefix = {"intern": "Intern", "senior": "Senior", "retired": "Retired"}.get(stage)
    if prefix is None:
        return noun
    if noun[1:] == noun[1:].lower():  # "Registered nurse" → "Senior registered nurse"
        noun = noun[0].lower() + noun[1:]
    return f"{prefix} {noun}"


class PeopleGenerator:
    """Makes person *i* for one seed, with the vocabulary's pools computed once."""

    def __init__(self, vocabulary: Vocabulary, seed: int) -> None:
        self.vocabulary = vocabulary
        self.seed = seed
        self._specialty_pools: dict[str, tuple[SpecialtyRef, ...]] = {}
        self._per_org: dict[str, tuple[Weighted[Any], Weighted[Any], Weighted[Any]]] = {
            spec.slug: (
                Weighted((site, site.weight) for site in spec.sites),
                Weighted(spec.professions),
                Weighted(spec.name_locales),
            )
            for spec in ORGANIZATIONS
        }
        competencies = vocabulary.competencies.values()
        self.digital = [ref.code for ref in competencies if ref.is_digital]
        groups = {profession.group for profession in vocabulary.professions.values()}
        self.general = {
            group: [
                ref.code
                for ref in competencies
                if not ref.is_digital
                and group in HANDS_ON_COMPETENCIES.get(ref.code, frozenset({group}))
            ]
            for group in groups
        }

    def specialty_pool(self, profession: ProfessionRef) -> tuple[SpecialtyRef, ...]:
        if profession.code not in self._specialty_pools:
            candidates = self.vocabulary.specialties_by_group.get(profession.group, ())
            roots = PROFESSION_ROOTS.get(profession.code)
            if roots:
                candidates = tuple(
                    ref for ref in candidates if not self._lineage(ref).isdisjoint(roots)
                )
            self._specialty_pools[profession.code] = candidates
        return self._specialty_pools[profession.code]

    def _lineage(self, ref: SpecialtyRef) -> set[str]:
        codes = {ref.code}
        while ref.parent_code is not None:
            ref = self.vocabulary.specialties[ref.parent_code]
            codes.add(ref.code)
        return codes

    def identity(self, index: int) -> "Identity":
        """Who person ``index`` is (enough for the e-mail address that keys them)."""
        rng = rng_for("carementor-demo", self.seed, index)
        spec = ORGANIZATION_CHOICE.pick(rng)
        site, profession_code, locale = (choice.pick(rng) for choice in self._per_org[spec.slug])
        profession = self.vocabulary.professions[profession_code]
        female = rng.random() < (0.85 if profession.group == "nursing" else 0.5)
        first, last = name_pools()[locale].pick(rng, female=female)
        email = f"{_ascii(first)}.{_ascii(last)}{index}@{spec.domain}"
        return Identity(index, spec, site, profession, locale, first, last, email)

    def person(self, identity: "Identity") -> PersonData:
        """Everything else about them: the same seed and index always give the same person."""
        return _person(self, identity)


@dataclass(frozen=True)
class Identity:
    index: int
    spec: OrganizationSpec
    site: Site
    profession: ProfessionRef
    locale: str
    first: str
    last: str
    email: str


ORGANIZATION_CHOICE = Weighted((org, org.share) for org in ORGANIZATIONS)


def _person(gen: PeopleGenerator, identity: Identity) -> PersonData:
    vocabulary = gen.vocabulary
    # A second stream, so that identities can be computed alone to check who exists.
    rng = rng_for("carementor-demo-details", gen.seed, identity.index)
    spec, site, profession = identity.spec, identity.site, identity.profession
    locale, first, last = identity.locale, identity.first, identity.last
    is_student = profession.code.endswith("-student")
    if is_student and site.country != spec.country:
        site = spec.sites[0]  # students study at home; only graduates mentor from abroad
    if is_student:
        stage = "student"
    elif spec.kind == Organization.Kind.NURSING_COLLEGE:
        stage = FACULTY_STAGES.pick(rng)
    else:
        stage = WORKING_STAGES.pick(rng)
    low, high = YEARS[stage]
    years = rng.randint(low, high)

    is_mentor = rng.random() < MENTOR_PROBABILITY[stage]
    specialties = _pick_specialties(rng, gen.specialty_pool(profession), is_student)
    languages = _pick_languages(rng, site, locale)
    roles_offered, roles_sought, capacity, hours = _pick_roles(rng, stage, is_mentor)
    shift = _pick_shift(rng, profession, stage)
    slots = _pick_slots(rng, shift)
    formats = tuple(fmt for fmt, weight in FORMAT_WEIGHTS if rng.random() < weight) or (
        MeetingFormat.VIDEO.value,
    )
    # "Therapeutic Radiography (Radiotherapy)" reads better in a sentence without the aside.
    main_specialty = (
        vocabulary.specialties[specialties[0]].name.split(" (")[0] if specialties else ""
    )
    goals = _pick_goals(rng, profession.group, stage, main_specialty, is_mentor)
    interests = ", ".join(rng.sample(texts.INTERESTS, rng.randint(2, 3)))
    if not is_mentor and rng.random() < 0.08:
        # Some people never finish their profile: the completeness indicator has work to do.
        goals, slots = "", ()

    if site.country != spec.country:
        workplace = f"Private practice, {site.city} (alumni network of {spec.name})"
    elif site.city in spec.name:
        workplace = spec.name
    else:
        workplace = f"{spec.name}, {site.city}"
    title = _title(profession, stage, site.country)
    headline = ", ".join(part for part in (title, main_specialty, site.city) if part)
    bio = f"{first} works at {workplace}."
    if years:
        bio += f" {years} year{'s' if years != 1 else ''} in practice."
    bio += f" Interested in {interests}."

    memberships: list[tuple[str, tuple[str, ...]]] = [(spec.slug, ("mentor",) if is_mentor else ())]
    # A few mentors also mentor for a partner organization (several memberships per person).
    if is_mentor and rng.random() < 0.05:
        partner = rng.choice([org for org in ORGANIZATIONS if org.slug != spec.slug])
        memberships.append((partner.slug, ("mentor",)))

    return PersonData(
        code=code_from(rng),
        email=identity.email,
        full_name=f"{first} {last}",
        timezone=site.timezone,
        language="hi" if site.city == "Jaipur" and rng.random() < 0.35 else "",
        date_joined=EPOCH - timedelta(days=rng.randint(0, 900), hours=rng.randint(0, 23)),
        memberships=tuple(memberships),
        profile=ProfileData(
            code=code_from(rng),
            profession=profession.code,
            career_stage=stage,
            years_in_practice=years,
            specialties=specialties,
            country=site.country,
            region=site.region,
            city=site.city,
            workplace=workplace,
            languages=languages,
            headline=headline,
            bio=bio,
            goals=goals,
            interests=interests,
            hours_per_month=hours,
            preferred_slots=slots,
            shift_pattern=shift,
            meeting_formats=formats,
            roles_offered=roles_offered,
            roles_sought=roles_sought,
            mentoring_capacity=capacity,
            visibility=VISIBILITY.pick(rng),
            competencies=_pick_competencies(rng, gen, profession, stage, is_mentor),
        ),
    )


def _pick_specialties(
    rng: random.Random, pool: tuple[SpecialtyRef, ...], is_student: bool
) -> tuple[str, ...]:
    if not pool or (is_student and rng.random() < 0.3):
        return ()
    first = rng.choice(pool)
    chosen = [first.code]
    pool_codes = {ref.code for ref in pool}
    if first.parent_code in pool_codes and rng.random() < 0.4:
        chosen.append(first.parent_code)
    elif not is_student and rng.random() < 0.2:
        second = rng.choice(pool)
        if second.code not in chosen:
            chosen.append(second.code)
    return tuple(c for c in chosen if c is not None)


def _pick_languages(rng: random.Random, site: Site, locale: str) -> tuple[str, ...]:
    chosen = ["en"] if site.country != "IN" or rng.random() < 0.97 else []
    if site.country == "IN":
        for position, code in enumerate(site.languages):
            if rng.random() < (0.85 if position == 0 else 0.3):
                chosen.append(code)
        if "hi" not in chosen and rng.random() < 0.45:
            chosen.append("hi")
    elif locale == "en_IN":
        chosen.append("hi" if rng.random() < 0.6 else rng.choice(("ta", "ml", "gu", "pa", "bn")))
        if rng.random() < 0.3:
            chosen.append(rng.choice(("pa", "gu", "ta", "ml", "ur", "te")))
    elif locale == "en_US":
        if rng.random() < 0.15:
            chosen.append("es")
    elif rng.random() < 0.12:
        chosen.append(rng.choice(site.languages))
    return tuple(dict.fromkeys(chosen)) or ("en",)


def _pick_roles(
    rng: random.Random, stage: str, is_mentor: bool
) -> tuple[tuple[str, ...], tuple[str, ...], int, int]:
    if is_mentor:
        offered = ("mentor", *rng.sample(OFFERED_EXTRAS, rng.randint(0, 2)))
        if rng.random() < 0.3:
            offered = (*offered, MentoringRole.PEER.value)
        capacity = rng.randint(2, 5) if stage in {"senior", "retired"} else rng.randint(1, 3)
        sought: tuple[str, ...] = ()
        if rng.random() < 0.25:
            sought = (rng.choice((MentoringRole.COACH.value, MentoringRole.PEER.value)),)
        return offered, sought, capacity, rng.randint(2, 8)
    sought = ("mentor", *rng.sample(SOUGHT_EXTRAS, rng.randint(0, 2)))
    if stage in {"student", "intern", "resident"} and rng.random() < 0.35:
        return (MentoringRole.PEER.value,), sought, rng.randint(1, 2), rng.randint(2, 6)
    return (), sought, 0, rng.randint(1, 6)


def _pick_shift(rng: random.Random, profession: ProfessionRef, stage: str) -> str:
    if stage == "student":
        return rng.choice((ShiftPattern.REGULAR.value, ShiftPattern.FLEXIBLE.value))
    if profession.group == "nursing" or profession.code == "paramedic":
        return SHIFTS_NURSING.pick(rng)
    if profession.group == "medicine" and stage in {"intern", "resident"}:
        return SHIFTS_TRAINEE_DOCTOR.pick(rng)
    return SHIFTS_OTHER.pick(rng)


def _pick_slots(rng: random.Random, shift: str) -> tuple[str, ...]:
    slots = set(rng.sample(SLOTS, rng.randint(1, 3)))
    if shift in {ShiftPattern.NIGHTS.value, ShiftPattern.ON_CALL.value} and rng.random() < 0.5:
        slots.add(Slot.NIGHT.value)
    return tuple(slot for slot in SLOTS if slot in slots)


PHASES = {"student": "L", "intern": "L", "resident": "L", "senior": "S", "retired": "S"}


def _pick_goals(rng: random.Random, group: str, stage: str, specialty: str, is_mentor: bool) -> str:
    phase = PHASES.get(stage, "C")
    templates = [
        text
        for phases, text in texts.GOALS_BY_GROUP[group]
        if phase in phases and (specialty or "{specialty}" not in text)
    ]
    goals = rng.sample(templates, min(len(templates), rng.randint(1, 2)))
    if is_mentor:
        mentor_templates = [t for t in texts.GOALS_FOR_MENTORS if specialty or "{" not in t]
        goals = [rng.choice(mentor_templates), *goals[:1]]
    return " ".join(goal.format(specialty=specialty) for goal in goals)


def _pick_competencies(
    rng: random.Random,
    gen: PeopleGenerator,
    profession: ProfessionRef,
    stage: str,
    is_mentor: bool,
) -> tuple[tuple[str, int, int | None], ...]:
    general, digital = gen.general[profession.group], gen.digital
    digital_count = rng.randint(4, 5) if profession.group == "informatics" else rng.randint(2, 3)
    chosen = rng.sample(general, rng.randint(3, 4)) + rng.sample(digital, digital_count)
    rows: list[tuple[str, int, int | None]] = []
    for code in chosen:
        is_digital = gen.vocabulary.competencies[code].is_digital
        if is_digital and profession.group == "informatics":
            level = rng.randint(3, 5)
        elif is_digital and stage in {"senior", "retired"}:
            level = rng.randint(1, 3)
        elif is_digital:
            level = rng.randint(2, 4)
        elif is_mentor:
            level = rng.randint(3, 5)
        elif stage in {"student", "intern"}:
            level = rng.randint(1, 2)
        else:
            level = rng.randint(1, 4)
        target: int | None = None
        wants_growth = rng.random() < (0.25 if is_mentor else 0.6)
        if level < 5 and wants_growth:
            target = min(5, level + rng.randint(1, 2))
        rows.append((code, level, target))
    return tuple(rows)


def seed_people(
    *,
    users: int,
    seed: int,
    vocabulary: Vocabulary,
    organizations: dict[str, Organization],
    password_hash: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Generate people 0 … users-1 and write the ones that do not exist yet."""
    generator = PeopleGenerator(vocabulary, seed)
    created = 0
    if connection.vendor == "sqlite" and users >= CHUNK_SIZE:
        # SQLite's default page cache is 2 MB; inserting random-looking unique keys (e-mail
        # addresses, codes) into large indexes then re-reads pages constantly.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB, i.e. 256 MB
    for start in range(0, users, CHUNK_SIZE):
        stop = min(users, start + CHUNK_SIZE)
        identities = [generator.identity(index) for index in range(start, stop)]
        taken = existing_emails([identity.email for identity in identities])
        people = [generator.person(i) for i in identities if i.email not in taken]
        with transaction.atomic():
            created += write_people(
                people,
                vocabulary=vocabulary,
                organizations=organizations,
                password_hash=password_hash,
            )
        if progress is not None:
            progress(stop, users)
    return created
