"""Demo people as plain data, and one bulk writer that turns them into rows.

Everything a person needs (user, verified e-mail address, profile, specialties, languages,
competency levels, memberships) is written with batched ``executemany`` inserts and no
per-row queries, so 100,000 people take about a minute, not hours. People are keyed by e-mail address: whoever already
exists is skipped, which makes every seeding step safe to run twice.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from carementor.accounts.models import User
from carementor.demo.rng import stable_code
from carementor.demo.vocabulary import Vocabulary
from carementor.organizations.models import Membership, Organization
from carementor.profiles.models import Profile, ProfileCompetency

# Rows per executemany call in insert_rows.
INSERT_BATCH = 5000
# E-mail addresses per `IN (...)` lookup, well under SQLite's 999 parameters.
LOOKUP_SIZE = 900


@dataclass(frozen=True)
class ProfileData:
    code: str
    profession: str
    career_stage: str
    years_in_practice: int
    specialties: tuple[str, ...]
    country: str
    region: str
    city: str
    workplace: str
    languages: tuple[str, ...]
    headline: str = ""
    bio: str = ""
    goals: str = ""
    interests: str = ""
    hours_per_month: int | None = None
    preferred_slots: tuple[str, ...] = ()
    shift_pattern: str = ""
    meeting_formats: tuple[str, ...] = ()
    roles_offered: tuple[str, ...] = ()
    roles_sought: tuple[str, ...] = ()
    mentoring_capacity: int = 0
    visibility: str = "organization"
    # (competency code, self-rated level, target level or None)
    competencies: tuple[tuple[str, int, int | None], ...] = ()


@dataclass(frozen=True)
class PersonData:
    code: str
    email: str
    full_name: str
    timezone: str
    date_joined: datetime
    # (organization slug, roles held there besides member)
    memberships: tuple[tuple[str, tuple[str, ...]], ...]
    profile: ProfileData | None
    language: str = ""
    is_staff: bool = False
    preferred_name: str = ""


T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_emails(emails: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(emails, LOOKUP_SIZE):
        found.update(User.objects.filter(email__in=part).values_list("email", flat=True))
    return found


def _ids(model: type[Model], key: str, values: Sequence[Any]) -> dict[Any, int]:
    ids: dict[Any, int] = {}
    for part in chunks(values, LOOKUP_SIZE):
        ids.update(model._default_manager.filter(**{f"{key}__in": part}).values_list(key, "id"))
    return ids


def write_people(
    people: Sequence[PersonData],
    *,
    vocabulary: Vocabulary,
    organizations: dict[str, Organization],
    password_hash: str,
) -> int:
    """Insert everyone whose e-mail address is not taken yet; return how many were new.

    Call inside a transaction: a half-written person would be skipped by the next run.
    """
    taken = existing_emails([person.email for person in people])
    new = [person for person in people if person.email not in taken]
    if not new:
        return 0

    insert_rows(
        User,
        (
            "code",
            "email",
            "full_name",
            "preferred_name",
            "timezone",
            "language",
            "password",
            "date_joined",
            "is_staff",
            "is_superuser",
            "is_active",
        ),
        (
            (
                person.code,
                person.email,
                person.full_name,
                person.preferred_name,
                person.timezone,
                person.language,
                password_hash,
                person.date_joined,
                person.is_staff,
                person.is_staff,
                True,
            )
            for person in new
        ),
    )
    user_ids = _ids(User, "email", [person.email for person in new])
    insert_rows(
        EmailAddress,
        ("user", "email", "verified", "primary"),
        ((user_ids[person.email], person.email, True, True) for person in new),
    )
    insert_rows(
        Membership,
        (
            "code",
            "user",
            "organization",
            "is_mentor",
            "is_coordinator",
            "is_reviewer",
            "is_admin",
            "joined_at",
        ),
        (
            (
                stable_code("membership", person.code, slug),
                user_ids[person.email],
                organizations[slug].pk,
                "mentor" in roles,
                "coordinator" in roles,
                "reviewer" in roles,
                "admin" in roles,
                person.date_joined,
            )
            for person in new
            for slug, roles in person.memberships
        ),
    )

    with_profile = [(user_ids[p.email], p.profile) for p in new if p.profile is not None]
    insert_rows(
        Profile,
        PROFILE_COLUMNS,
        (_profile_row(user_id, data, vocabulary) for user_id, data in with_profile),
    )
    profile_ids = _ids(Profile, "user_id", [user_id for user_id, _data in with_profile])

    specialty_rows: list[tuple[int, int]] = []
    language_rows: list[tuple[int, int]] = []
    competency_rows: list[tuple[int, int, int, int | None]] = []
    for user_id, data in with_profile:
        profile_id = profile_ids[user_id]
        specialty_rows.extend(
            (profile_id, vocabulary.specialties[code].id) for code in data.specialties
        )
        language_rows.extend((profile_id, vocabulary.languages[code]) for code in data.languages)
        competency_rows.extend(
            (profile_id, vocabulary.competencies[code].id, level, target)
            for code, level, target in data.competencies
        )
    insert_rows(Profile.specialties.through, ("profile", "specialty"), specialty_rows)
    insert_rows(Profile.languages.through, ("profile", "language"), language_rows)
    insert_rows(
        ProfileCompetency, ("profile", "competency", "level", "target_level"), competency_rows
    )
    return len(new)


PROFILE_COLUMNS = (
    "code",
    "user",
    "headline",
    "bio",
    "profession",
    "career_stage",
    "years_in_practice",
    "workplace",
    "country",
    "region",
    "city",
    "hours_per_month",
    "preferred_slots",
    "shift_pattern",
    "meeting_formats",
    "goals",
    "interests",
    "roles_offered",
    "roles_sought",
    "mentoring_capacity",
    "visibility",
)


def _profile_row(user_id: int, data: ProfileData, vocabulary: Vocabulary) -> tuple[Any, ...]:
    return (
        data.code,
        user_id,
        data.headline,
        data.bio,
        vocabulary.professions[data.profession].id,
        vocabulary.stages[data.career_stage],
        data.years_in_practice,
        data.workplace,
        vocabulary.countries[data.country],
        data.region,
        data.city,
        data.hours_per_month,
        list(data.preferred_slots),
        data.shift_pattern,
        list(data.meeting_formats),
        data.goals,
        data.interests,
        list(data.roles_offered),
        list(data.roles_sought),
        data.mentoring_capacity,
        data.visibility,
    )


# Values of these field types need the backend's conversion; the rest go in as they are.
CONVERTED_FIELDS = frozenset({"DateTimeField", "DateField", "JSONField", "UUIDField"})


def _memoized(field: "Field[Any, Any]") -> Callable[[Any], Any]:
    """The field's database conversion, cached per value: demo data repeats values a lot."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if target.get_internal_type() == "UUIDField":  # unique values: a cache would only grow
        return lambda value: field.get_db_prep_save(value, connection)
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        # The type is part of the key: True and 1 are equal dict keys but convert differently.
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            return cache[key]
        except KeyError:
            converted = cache[key] = field.get_db_prep_save(value, connection)
            return converted
        except TypeError:  # unhashable (a dict, a nested list): convert every time
            return field.get_db_prep_save(value, connection)

    return convert


def _converted(field: "Field[Any, Any]") -> bool:
    # A foreign key stores its target's type: a UUID primary key needs converting too.
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    return field.get_internal_type() in CONVERTED_FIELDS or (
        target.get_internal_type() in CONVERTED_FIELDS
    )


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT many rows with executemany, skipping model instances entirely.

    ``bulk_create`` spends most of its time building model objects and compiling SQL per
    batch, which dominates seeding 100,000 people. Here foreign keys are given as ids and
    no signals run. Columns not named get their model default (``auto_now`` fields: now),
    so a field added later with a default does not break seeding; one without a default
    fails loudly.
    """
    opts = model._meta
    named = [cast("Field[Any, Any]", opts.get_field(name)) for name in fields]
    named_columns = {field.column for field in named}
    now = timezone.now()
    extras: list[tuple[Field[Any, Any], Any]] = []
    for field in opts.concrete_fields:
        if field.column in named_columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extras.append((field, now))
        elif field.has_default():
            extras.append((field, field.default))
        elif field.null:
            continue
        elif field.empty_strings_allowed:
            extras.append((field, ""))
        else:
            raise ValueError(f"insert_rows: {model.__name__}.{field.name} needs a value.")
    columns = named + [field for field, _default in extras]
    quote = connection.ops.quote_name
    # Table and column names come from model metadata, never from input; values are bound.
    column_list = ", ".join(quote(str(field.column)) for field in columns)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(opts.db_table), column_list, ", ".join(["%s"] * len(columns))
    )
    converters = [
        (position, field, _memoized(field))
        for position, field in enumerate(columns)
        if _converted(field)
    ]
    defaults = [default for _field, default in extras]
    per_row = any(callable(default) for default in defaults)

    def prepared(row: tuple[Any, ...]) -> tuple[Any, ...]:
        if defaults:
            row = row + tuple(
                default() if per_row and callable(default) else default for default in defaults
            )
        if not converters:
            return row
        values = list(row)
        for position, _field, convert in converters:
            values[position] = convert(values[position])
        return tuple(values)

    if connection.vendor == "postgresql":
        # COPY streams rows without a statement per row (or a giant one to parse).
        with connection.cursor() as cursor:
            copy_sql = f"COPY {quote(opts.db_table)} ({column_list}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(prepared(row))
        return
    # SQLite reuses one prepared statement across executemany, which is fast enough.
    with connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(prepared(row))
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
