"""Build the engine's plain values (Person, Taxonomy, ProgramSettings) from Django rows.

The vocabularies come from their cache (``profiles.vocabulary``) and a handful of prefetches per batch of people, so loading
a cohort costs the same number of queries whatever its size.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, F, IntegerField, Prefetch, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carementor.accounts.models import User
from carementor.lib.sql import ids_in
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
from carementor.profiles.models import ConflictOfInterest, ProfileCompetency
from carementor.profiles.vocabulary import vocabulary
from carementor.programs.models import Program


def taxonomy() -> Taxonomy:
    vocab = vocabulary()
    return Taxonomy(specialty_parent=vocab.specialty_parent, specialty_group=vocab.specialty_group)


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
        return person_of(user, None, capacity=capacity, load=load, verified=verified)
    return person_of(
        user,
        profile,
        specialties=[s.code for s in profile.specialties.all()],
        languages=[lang.code for lang in profile.languages.all()],
        levels=[
            (c.competency.code, c.level, c.target_level) for c in profile.competency_levels.all()
        ],
        conflicts=[c.other_user.code for c in profile.conflicts.all() if c.other_user is not None],
        capacity=capacity,
        load=load,
        verified=verified,
    )


def person_of(
    user: User,
    profile: Any,
    *,
    specialties: Sequence[str] = (),
    languages: Sequence[str] = (),
    levels: Sequence[tuple[str, int, int | None]] = (),
    conflicts: Iterable[str] = (),
    capacity: int = 0,
    load: int = 0,
    verified: bool = True,
) -> Person:
    """`person` from values already read (languages in order of preference)."""
    if profile is None:
        return _build(
            user.code, user.timezone, None, capacity=capacity, load=load, verified=verified
        )
    facts = {
        "profession": profile.profession.code if profile.profession else None,
        "profession_group": profile.profession.group if profile.profession else None,
        "career_rank": profile.career_stage.rank if profile.career_stage else None,
        "country": profile.country.code if profile.country else None,
        **{name: getattr(profile, name) for name in PROFILE_FIELDS},
    }
    return _build(
        user.code,
        user.timezone,
        facts,
        specialties=specialties,
        languages=languages,
        levels=levels,
        conflicts=conflicts,
        capacity=capacity,
        load=load,
        verified=verified,
    )


# The profile's own columns that `_build` reads, by name.
PROFILE_FIELDS = (
    "years_in_practice",
    "preferred_slots",
    "meeting_formats",
    "city",
    "goals",
    "interests",
    "roles_offered",
    "roles_sought",
    "hours_per_month",
)


def _build(
    key: str,
    tz: str,
    facts: dict[str, Any] | None,
    *,
    specialties: Sequence[str] = (),
    languages: Sequence[str] = (),
    levels: Sequence[tuple[str, int, int | None]] = (),
    conflicts: Iterable[str] = (),
    capacity: int = 0,
    load: int = 0,
    verified: bool = True,
) -> Person:
    """The engine's Person from plain values; `facts` None when there is no profile."""
    if facts is None:
        return Person(
            key=key,
            timezone=tz or None,
            capacity=capacity,
            active_mentees=load,
            verified=verified,
        )
    return Person(
        key=key,
        profession=facts["profession"],
        profession_group=facts["profession_group"],
        specialties=tuple(specialties),
        career_rank=facts["career_rank"],
        years_in_practice=facts["years_in_practice"],
        languages=tuple(languages),
        timezone=tz or None,
        preferred_slots=tuple(facts["preferred_slots"] or ()),
        meeting_formats=tuple(facts["meeting_formats"] or ()),
        country=facts["country"],
        city=facts["city"] or None,
        competencies={code: level for code, level, _t in levels},
        targets={code: target for code, _l, target in levels if target},
        goals=facts["goals"],
        interests=facts["interests"],
        roles_offered=tuple(facts["roles_offered"] or ()),
        roles_sought=tuple(facts["roles_sought"] or ()),
        capacity=capacity,
        active_mentees=load,
        hours_per_month=facts["hours_per_month"],
        supervisor=None,
        conflicts=frozenset(conflicts),
        verified=verified,
    )


PEOPLE_CHUNK = 5000  # users read per batch of queries by `people`


def people(user_ids: Iterable[int]) -> dict[int, Person]:
    """Many people as the engine sees them (capacity 0; see `with_seats`), read as plain
    values: five queries per 5,000 people and no model instances, the same result as
    `person` on `users_with_profiles`."""
    from carementor.profiles.models import Profile

    ids = sorted(set(user_ids))
    found: dict[int, Person] = {}
    for lo in range(0, len(ids), PEOPLE_CHUNK):
        chunk = ids_in(ids[lo : lo + PEOPLE_CHUNK])
        columns = (
            "profile__profession__code",
            "profile__profession__group",
            "profile__career_stage__rank",
            "profile__country__code",
            *(f"profile__{name}" for name in PROFILE_FIELDS),
        )
        rows = User.objects.filter(pk__in=chunk).values_list(
            "pk", "code", "timezone", "profile__id", *columns
        )
        specialties: dict[int, list[str]] = {}
        for profile_id, code in (
            Profile.specialties.through.objects.filter(profile__user_id__in=chunk)
            .order_by("specialty__name", "specialty_id")
            .values_list("profile_id", "specialty__code")
        ):
            specialties.setdefault(profile_id, []).append(code)
        languages: dict[int, list[str]] = {}
        for profile_id, code in (
            Profile.languages.through.objects.filter(profile__user_id__in=chunk)
            .order_by("language__name", "language_id")
            .values_list("profile_id", "language__code")
        ):
            languages.setdefault(profile_id, []).append(code)
        levels: dict[int, list[tuple[str, int, int | None]]] = {}
        for profile_id, code, level, target in (
            ProfileCompetency.objects.filter(profile__user_id__in=chunk)
            .order_by("competency__name", "pk")
            .values_list("profile_id", "competency__code", "level", "target_level")
        ):
            levels.setdefault(profile_id, []).append((code, level, target))
        conflicts: dict[int, list[str]] = {}
        for profile_id, code in ConflictOfInterest.objects.filter(
            profile__user_id__in=chunk, other_user__isnull=False
        ).values_list("profile_id", "other_user__code"):
            conflicts.setdefault(profile_id, []).append(code)
        names = ("profession", "profession_group", "career_rank", "country", *PROFILE_FIELDS)
        for pk, code, tz, profile_id, *values in rows:
            if profile_id is None:
                found[pk] = _build(code, tz, None)
                continue
            found[pk] = _build(
                code,
                tz,
                dict(zip(names, values, strict=True)),
                specialties=specialties.get(profile_id, ()),
                languages=languages.get(profile_id, ()),
                levels=levels.get(profile_id, ()),
                conflicts=conflicts.get(profile_id, ()),
            )
    return found


def with_seats(
    person: Person, *, capacity: int = 0, load: int = 0, verified: bool = True
) -> Person:
    """The same person with a mentor's places (and verification) in one programme."""
    if (person.capacity, person.active_mentees, person.verified) == (capacity, load, verified):
        return person
    return replace(person, capacity=capacity, active_mentees=load, verified=verified)


def _read_person(user_id: int) -> Person:
    """One person in two queries: the account with its profile, then every listed part of
    the profile in one UNION ALL."""
    user = User.objects.select_related(
        "profile__profession", "profile__career_stage", "profile__country"
    ).get(pk=user_id)
    profile = getattr(user, "profile", None)
    if profile is None:
        return person_of(user, None)
    from carementor.profiles.models import Profile

    def part(qs: Any, kind: str, code: str, level: Any, target: Any, name: Any) -> Any:
        return (
            qs.order_by()
            # Every column cast: PostgreSQL types a UNION's columns from the first SELECT.
            .annotate(
                kind=Cast(Value(kind), CharField()),
                part_code=Cast(F(code), CharField()),
                part_level=Cast(level, IntegerField()),
                part_target=Cast(target, IntegerField()),
                part_name=Cast(name, CharField()),
            )
            .values_list("kind", "part_code", "part_level", "part_target", "part_name")
        )

    zero, none, empty = Value(0), Value(None, IntegerField()), Value("")
    specialties = Profile.specialties.through.objects.filter(profile_id=profile.pk)
    languages = Profile.languages.through.objects.filter(profile_id=profile.pk)
    levels = ProfileCompetency.objects.filter(profile_id=profile.pk)
    conflicts = ConflictOfInterest.objects.filter(profile_id=profile.pk, other_user__isnull=False)
    rows = list(
        part(specialties, "s", "specialty__code", zero, none, F("specialty__name")).union(
            part(languages, "l", "language__code", zero, none, F("language__name")),
            part(levels, "c", "competency__code", F("level"), F("target_level"), empty),
            part(conflicts, "x", "other_user__code", zero, none, empty),
            all=True,
        )
    )
    # Specialties and languages come in the vocabulary's order (by name), as `person` reads
    # them; a UNION keeps no order of its own.
    spoken = sorted((name, code) for kind, code, _l, _t, name in rows if kind == "l")
    practised = sorted((name, code) for kind, code, _l, _t, name in rows if kind == "s")
    return person_of(
        user,
        profile,
        specialties=[code for _name, code in practised],
        languages=[code for _name, code in spoken],
        levels=[(code, level, target) for kind, code, level, target, _n in rows if kind == "c"],
        conflicts=[code for kind, code, *_rest in rows if kind == "x"],
    )


PERSON_TTL = 600  # seconds; changes also drop the entry (pools.mentors_changed)


def _person_key(user_id: int) -> str:
    return f"matching:person:{user_id}"


def cached_person(user_id: int) -> Person:
    """One person as the engine sees them, from the cache when their profile is unchanged
    (five queries saved on every suggestion request)."""
    found: Person | None = cache.get(_person_key(user_id))
    if found is None:
        found = _read_person(user_id)
        cache.set(_person_key(user_id), found, PERSON_TTL)
    return found


def forget_people(user_ids: Iterable[int]) -> None:
    cache.delete_many([_person_key(u) for u in user_ids])


def populations(
    mentees: Sequence[Person], mentors: Sequence[Person]
) -> tuple[Population, Population]:
    encoder = Encoder(taxonomy())
    encoder.fit_text([*mentees, *mentors])
    return encoder.population(list(mentees)), encoder.population(list(mentors))


def labels() -> dict[str, str]:
    """Display names for vocabulary codes, for the engine's English fallback sentences."""
    return dict(vocabulary().names)


def language_names(codes: Iterable[str]) -> str:
    found = vocabulary().language_names
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


def _reason_key(reason: Reason) -> tuple[Any, ...]:
    return (
        reason.code,
        reason.text,
        *sorted(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in (reason.params or {}).items()
        ),
    )


def reasons_json(
    reasons: Iterable[Reason],
    names: dict[str, str],
    texts: dict[tuple[Any, ...], str] | None = None,
) -> list[dict[str, Any]]:
    """The reasons as stored with a proposal. A run passes one ``texts`` dict for all its
    proposals: tens of thousands of pairs share a few thousand distinct sentences, each
    translated and formatted once."""
    if texts is None:
        return [{"code": r.code, "text": reason_text(r, names)} for r in reasons]
    out = []
    for r in reasons:
        key = _reason_key(r)
        text = texts.get(key)
        if text is None:
            text = texts[key] = reason_text(r, names)
        out.append({"code": r.code, "text": text})
    return out
