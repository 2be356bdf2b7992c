"""Build the engine's plain values (Person, Taxonomy, ProgramSettings) from Django rows.

Two queries for the vocabularies and a handful of prefetches per batch of people, so loading
a cohort costs the same number of queries whatever its size.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carementor.accounts.models import User
from carementor.matching.engine import (
    Encoder,
    Person,
    Population,
    ProgramFormat,
    ProgramSettings,
    Reason,
    Taxonomy,
    Weights,
)
from carementor.profiles.models import ConflictOfInterest, Language, ProfileCompetency, Specialty
from carementor.programs.models import Program


def taxonomy() -> Taxonomy:
    rows = Specialty.objects.values_list("code", "parent__code", "profession_group")
    return Taxonomy(
        specialty_parent={code: parent for code, parent, _g in rows},
        specialty_group={code: group for code, _p, group in rows},
    )


def program_settings(program: Program) -> ProgramSettings:
    try:
        weights = Weights.from_mapping(program.weights or {})
    except ValueError:
        weights = Weights()
    return ProgramSettings(format=ProgramFormat(program.format), weights=weights)


def users_with_profiles(users: "QuerySet[User]") -> "QuerySet[User]":
    return users.select_related(
        "profile__profession", "profile__career_stage", "profile__country"
    ).prefetch_related(
        "profile__specialties",
        "profile__languages",
        Prefetch(
            "profile__competency_levels",
            queryset=ProfileCompetency.objects.select_related("competency"),
        ),
        Prefetch(
            "profile__conflicts", queryset=ConflictOfInterest.objects.select_related("other_user")
        ),
    )


def person(user: User, *, capacity: int = 0, load: int = 0, verified: bool = True) -> Person:
    """One person as the engine sees them; the key is the user's public code."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return Person(
            key=user.code,
            timezone=user.timezone or None,
            capacity=capacity,
            active_mentees=load,
            verified=verified,
        )
    levels = list(profile.competency_levels.all())
    return Person(
        key=user.code,
        profession=profile.profession.code if profile.profession else None,
        profession_group=profile.profession.group if profile.profession else None,
        specialties=tuple(s.code for s in profile.specialties.all()),
        career_rank=profile.career_stage.rank if profile.career_stage else None,
        years_in_practice=profile.years_in_practice,
        languages=tuple(lang.code for lang in profile.languages.all()),
        timezone=user.timezone or None,
        preferred_slots=tuple(profile.preferred_slots or ()),
        meeting_formats=tuple(profile.meeting_formats or ()),
        country=profile.country.code if profile.country else None,
        city=profile.city or None,
        competencies={c.competency.code: c.level for c in levels},
        targets={c.competency.code: c.target_level for c in levels if c.target_level},
        goals=profile.goals,
        interests=profile.interests,
        roles_offered=tuple(profile.roles_offered or ()),
        roles_sought=tuple(profile.roles_sought or ()),
        capacity=capacity,
        active_mentees=load,
        hours_per_month=profile.hours_per_month,
        supervisor=None,
        conflicts=frozenset(
            c.other_user.code for c in profile.conflicts.all() if c.other_user is not None
        ),
        verified=verified,
    )


def populations(
    mentees: Sequence[Person], mentors: Sequence[Person]
) -> tuple[Population, Population]:
    encoder = Encoder(taxonomy())
    encoder.fit_text([*mentees, *mentors])
    return encoder.population(list(mentees)), encoder.population(list(mentors))


def labels() -> dict[str, str]:
    """Display names for vocabulary codes, for the engine's English fallback sentences."""
    from carementor.profiles.models import Competency, Profession

    names: dict[str, str] = {}
    for model in (Specialty, Competency, Profession):
        names.update(dict(model.objects.values_list("code", "name")))
    return names


def language_names(codes: Iterable[str]) -> str:
    found = dict(Language.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return ", ".join(found.get(c, c) for c in codes)


def reason_text(reason: Reason, names: dict[str, str]) -> str:
    """A reason in the reader's language; unknown codes fall back to the engine's English."""
    p: dict[str, Any] = dict(reason.params)
    code = reason.code

    def name(key: str) -> str:
        value = str(p.get(key, ""))
        return names.get(value, value)

    def listed(key: str) -> str:
        return ", ".join(names.get(str(v), str(v).replace("_", " ")) for v in p.get(key, []))

    if code == "specialty.same":
        return _("Also works in %(s)s.") % {"s": name("mentor_specialty")}
    if code in ("specialty.related", "specialty.same_tree"):
        return _("Works in %(s)s, close to your %(mine)s.") % {
            "s": name("mentor_specialty"),
            "mine": name("mentee_specialty"),
        }
    if code == "profession.same":
        return _("Same profession (%(p)s).") % {"p": name("profession")}
    if code == "career.ahead":
        gap = int(p.get("gap", 1))
        return ngettext(
            "One career stage ahead of you.", "%(n)d career stages ahead of you.", gap
        ) % {"n": gap}
    if code == "career.same":
        return _("At the same career stage as you.")
    if code == "career.reverse":
        return _("Earlier in their career, with skills to share (reverse mentoring).")
    if code == "language.preferred":
        return _("Speaks %(l)s.") % {"l": language_names(p.get("languages", [])[:1])}
    if code == "language.shared":
        return _("You share %(l)s.") % {"l": language_names(p.get("languages", []))}
    if code == "schedule.overlap":
        return _("%(shared)s of your %(total)s preferred hours a week overlap.") % {
            "shared": p.get("shared_hours"),
            "total": p.get("your_hours"),
        }
    if code == "format.remote":
        return _("You can both meet by %(f)s.") % {"f": listed("formats")}
    if code == "format.same_city":
        return _("You can meet in person in the same city.")
    if code == "goals.shared":
        return _("Shared goals and interests: %(w)s.") % {"w": ", ".join(p.get("words", []))}
    if code == "competency.zone":
        return _("Also works on %(c)s, a level or two ahead of you.") % {
            "c": listed("competencies")
        }
    if code == "availability":
        hours, places = int(p.get("hours_per_month", -1)), int(p.get("free_places", 0))
        if hours < 0:
            return ngettext("Has %(n)d free place.", "Has %(n)d free places.", places) % {
                "n": places
            }
        return _("Offers %(h)d hours a month.") % {"h": hours}
    if code == "role.offered":
        return _("Offers what you are looking for (%(r)s).") % {"r": listed("roles")}
    if code == "hard.no_capacity":
        return _("The mentor has no free places.")
    if code == "hard.conflict":
        return _("A conflict of interest has been declared between you.")
    if code == "hard.unverified":
        return _("The mentor's credentials are not verified yet.")
    return reason.text


def reasons_json(reasons: Iterable[Reason], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"code": r.code, "text": reason_text(r, names)} for r in reasons]
