"""Every change in evaluations: instruments, the schedule and its settings, answering a survey.

Running the schedule (creating, reminding and closing assignments) lives in ``schedule.py``.
Each function here is atomic, audited, and refuses bad input with ``EvaluationError`` before
writing anything.
"""

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from carementor.audit.services import record
from carementor.evaluations.instruments import SHIPPED
from carementor.evaluations.models import (
    Anonymity,
    Answer,
    Area,
    EvaluationSettings,
    HasResponded,
    Instrument,
    InstrumentKind,
    Item,
    LicenceStatus,
    Occasion,
    Respondent,
    Response,
    Role,
    Scale,
    ScheduleEntry,
    SurveyAssignment,
)
from carementor.evaluations.scoring import score_answers
from carementor.lib import tabular
from carementor.lib.errors import DomainError
from carementor.lib.signals import participation_progressed

if TYPE_CHECKING:
    from carementor.accounts.models import User

DEFAULT_MIN_GROUP_SIZE = 5
ABSOLUTE_MIN_GROUP_SIZE = 3
MAX_ITEMS = 100
MAX_IMPORT_BYTES = 1_000_000
INSTRUMENT_LIMITS = tabular.Limits(
    max_bytes=MAX_IMPORT_BYTES, max_unzipped=10_000_000, max_rows=500, max_cell=2000
)


class EvaluationError(DomainError):
    """A refused change: ``status`` is the HTTP status pages and API answer with."""


def _invalid(message: str, errors: list[dict[str, Any]] | None = None) -> EvaluationError:
    return EvaluationError(message, status=422, code="invalid", errors=errors)


# --- Settings ------------------------------------------------------------------------------


def min_group_size_for(program: Any) -> int:
    """The fewest answers a group must have before anyone but the respondent sees results."""
    size = (
        EvaluationSettings.objects.filter(program=program)
        .values_list("min_group_size", flat=True)
        .first()
    )
    return max(ABSOLUTE_MIN_GROUP_SIZE, size) if size else DEFAULT_MIN_GROUP_SIZE


def settings_update(
    *, program: Any, user: "User", min_group_size: int, request: Any = None
) -> EvaluationSettings:
    if min_group_size < ABSOLUTE_MIN_GROUP_SIZE:
        raise _invalid(
            _("The minimum group size cannot be below %(n)s.") % {"n": ABSOLUTE_MIN_GROUP_SIZE},
            [{"loc": ["min_group_size"], "msg": _("At least 3.")}],
        )
    if min_group_size > 1000:
        raise _invalid(_("The minimum group size is too large."))
    with transaction.atomic():
        row, _created = EvaluationSettings.objects.select_for_update().get_or_create(
            program=program
        )
        before = row.min_group_size
        row.min_group_size = min_group_size
        row.save(update_fields=["min_group_size", "updated_at"])
        record(
            user,
            "evaluation.settings_changed",
            program,
            organization=program.organization,
            request=request,
            detail={"min_group_size": [before, min_group_size]},
        )
    return row


# --- Instruments ---------------------------------------------------------------------------


@dataclass
class InstrumentData:
    """A validated instrument definition: metadata, domains and items."""

    name: str
    description: str = ""
    source: str = ""
    licence_status: str = LicenceStatus.OWN
    anonymity: str = Anonymity.ANONYMOUS
    respondent: str = Respondent.MENTEE
    kind: str = InstrumentKind.CUSTOM
    rates_mentor: bool = False
    domains: list[dict[str, str]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


def _choice(raw: Any, allowed: Iterable[str], default: str) -> str | None:
    value = str(raw if raw not in (None, "") else default).strip()
    return value if value in set(allowed) else None


def _truthy(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in {"1", "true", "yes", "y", "x"}


def clean_domains(raw: Any, errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        errors.append({"loc": ["domains"], "msg": _("Domains must be a list.")})
        return []
    domains: list[dict[str, str]] = []
    seen: set[str] = set()
    for n, entry in enumerate(raw):
        if not isinstance(entry, dict):
            errors.append({"loc": ["domains", n], "msg": _("Each domain needs a key and a label.")})
            continue
        key = slugify(str(entry.get("key") or entry.get("label") or "")).replace("-", "_")[:60]
        label = str(entry.get("label") or key).strip()[:120]
        area = str(entry.get("area") or "").strip()
        if not key:
            errors.append({"loc": ["domains", n, "key"], "msg": _("A domain needs a key.")})
        elif key == "total" or key in seen:
            errors.append({"loc": ["domains", n, "key"], "msg": _("Domain keys must be unique.")})
        if area not in Area.values:
            errors.append({"loc": ["domains", n, "area"], "msg": _("Unknown area.")})
        seen.add(key)
        domains.append({"key": key, "label": label, "area": area})
    return domains


def clean_item(
    raw: Any, n: int, domain_keys: set[str], errors: list[dict[str, Any]]
) -> dict[str, Any]:
    loc: list[Any] = ["items", n]
    if not isinstance(raw, dict):
        errors.append({"loc": loc, "msg": _("Each item needs a key and a question.")})
        return {}
    text = str(raw.get("text") or "").strip()
    key = slugify(str(raw.get("key") or "")).replace("-", "_")[:60] or f"q{n + 1}"
    domain = str(raw.get("domain") or "").strip()
    scale = _choice(raw.get("scale"), Scale.values, Scale.LIKERT)
    if not text or len(text) > 500:
        errors.append(
            {"loc": [*loc, "text"], "msg": _("Write the question (500 characters at most).")}
        )
    if domain and domain not in domain_keys:
        errors.append({"loc": [*loc, "domain"], "msg": _("Unknown domain.")})
    if scale is None:
        errors.append({"loc": [*loc, "scale"], "msg": _("Unknown scale.")})
        scale = Scale.LIKERT
    labels = raw.get("labels") or []
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split("|")] if labels.strip() else []
    if not isinstance(labels, list):
        labels = []
    labels = [str(label)[:80] for label in labels]
    try:
        points = int(raw.get("points") or (len(labels) if labels else 5))
    except (TypeError, ValueError):
        points = 0
    min_value = _float_or_none(raw.get("min_value"))
    max_value = _float_or_none(raw.get("max_value"))
    reverse = _truthy(raw.get("reverse"))
    if scale == Scale.LIKERT and not 2 <= points <= 11:
        errors.append({"loc": [*loc, "points"], "msg": _("Likert items have 2 to 11 points.")})
    if scale == Scale.LIKERT and len(labels) > points:
        errors.append({"loc": [*loc, "labels"], "msg": _("More labels than points.")})
    if scale == Scale.NUMERIC and (
        min_value is None or max_value is None or not min_value < max_value
    ):
        errors.append(
            {
                "loc": [*loc, "min_value"],
                "msg": _("Numeric items need a lowest and a highest value."),
            }
        )
    if scale == Scale.TEXT and reverse:
        errors.append({"loc": [*loc, "reverse"], "msg": _("Free-text items cannot be reversed.")})
    if scale == Scale.TEXT:
        domain = ""
    return {
        "key": key,
        "text": text,
        "domain": domain,
        "scale": scale,
        "points": points if scale == Scale.LIKERT and 2 <= points <= 11 else 5,
        "labels": labels if scale == Scale.LIKERT else [],
        "min_value": min_value if scale == Scale.NUMERIC else None,
        "max_value": max_value if scale == Scale.NUMERIC else None,
        "reverse": reverse,
        "required": _truthy(raw.get("required", True)),
    }


def _float_or_none(raw: Any) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def clean_instrument_data(raw: Mapping[str, Any], *, require_items: bool = True) -> InstrumentData:
    """Validate a whole definition (API body, import file or form); raise 422 with every error."""
    errors: list[dict[str, Any]] = []
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 200:
        errors.append(
            {"loc": ["name"], "msg": _("Give the instrument a name (200 characters at most).")}
        )
    choices = {
        "licence_status": (LicenceStatus.values, LicenceStatus.OWN),
        "anonymity": (Anonymity.values, Anonymity.ANONYMOUS),
        "respondent": (Respondent.values, Respondent.MENTEE),
        "kind": (InstrumentKind.values, InstrumentKind.CUSTOM),
    }
    picked: dict[str, str] = {}
    for name_, (allowed, default) in choices.items():
        value = _choice(raw.get(name_), allowed, default)
        if value is None:
            errors.append({"loc": [name_], "msg": _("Not one of the choices.")})
            value = default
        picked[name_] = value
    domains = clean_domains(raw.get("domains") or [], errors)
    keys = {d["key"] for d in domains}
    raw_items = raw.get("items") or []
    if not isinstance(raw_items, list):
        errors.append({"loc": ["items"], "msg": _("Items must be a list.")})
        raw_items = []
    if require_items and not raw_items:
        errors.append({"loc": ["items"], "msg": _("Add at least one item.")})
    if len(raw_items) > MAX_ITEMS:
        errors.append({"loc": ["items"], "msg": _("At most 100 items.")})
        raw_items = raw_items[:MAX_ITEMS]
    items = [clean_item(item, n, keys, errors) for n, item in enumerate(raw_items)]
    item_keys = [item.get("key") for item in items]
    if len(set(item_keys)) != len(item_keys):
        errors.append({"loc": ["items"], "msg": _("Item keys must be unique.")})
    if errors:
        raise _invalid(_("The instrument is not valid."), errors)
    return InstrumentData(
        name=name,
        description=str(raw.get("description") or "").strip()[:4000],
        source=str(raw.get("source") or "").strip()[:2000],
        rates_mentor=_truthy(raw.get("rates_mentor")),
        domains=domains,
        items=items,
        **picked,
    )


def _unique_slug(organization: Any, name: str) -> str:
    base = slugify(name)[:50] or "instrument"
    slug, n = base, 1
    taken = set(
        Instrument.objects.filter(Q(organization=organization) | Q(organization=None))
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _write_items(instrument: Instrument, items: list[dict[str, Any]]) -> None:
    Item.objects.bulk_create(
        Item(instrument=instrument, order=n, **item) for n, item in enumerate(items, start=1)
    )


def instrument_create(
    *, organization: Any, user: "User", data: InstrumentData, request: Any = None
) -> Instrument:
    """A coordinator's own instrument. Licensed ones come through ``instrument_import``."""
    if data.licence_status == LicenceStatus.PERMISSION:
        raise _invalid(_("Import licensed instruments with the permission declaration."))
    with transaction.atomic():
        instrument = Instrument.objects.create(
            organization=organization,
            slug=_unique_slug(organization, data.name),
            name=data.name,
            description=data.description,
            source=data.source,
            licence_status=data.licence_status,
            anonymity=data.anonymity,
            respondent=data.respondent,
            kind=data.kind,
            rates_mentor=data.rates_mentor,
            domains=data.domains,
            created_by=user,
        )
        _write_items(instrument, data.items)
        record(
            user,
            "instrument.created",
            instrument,
            organization=organization,
            request=request,
            detail={"items": len(data.items)},
        )
    return instrument


def _require_editable(instrument: Instrument) -> None:
    if instrument.is_library:
        raise EvaluationError(
            _("Shipped instruments cannot be changed; copy one into your organization."),
            status=403,
            code="forbidden",
        )
    if instrument.is_locked():
        raise EvaluationError(
            _("People have answered this instrument. Make a new version to change it."),
            code="locked",
        )


def instrument_update(
    *, instrument: Instrument, user: "User", data: InstrumentData, request: Any = None
) -> Instrument:
    """Replace an unanswered instrument's definition (metadata, domains and items)."""
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        _require_editable(instrument)
        if data.licence_status == LicenceStatus.PERMISSION and (
            instrument.licence_status != LicenceStatus.PERMISSION
        ):
            raise _invalid(_("Import licensed instruments with the permission declaration."))
        for name in ("name", "description", "source", "licence_status", "anonymity"):
            setattr(instrument, name, getattr(data, name))
        instrument.respondent = data.respondent
        instrument.kind = data.kind
        instrument.rates_mentor = data.rates_mentor
        instrument.domains = data.domains
        instrument.save()
        if data.items:
            instrument.items.all().delete()
            _write_items(instrument, data.items)
        record(user, "instrument.updated", instrument, organization=instrument.organization)
    return instrument


def instrument_new_version(
    *, instrument: Instrument, user: "User", organization: Any = None, request: Any = None
) -> Instrument:
    """Copy an instrument to change it: a new version of an organization's own, or a first
    version in ``organization`` of a shipped one. The schedule moves to the new version;
    open surveys keep the version they were sent with."""
    target_org = instrument.organization if instrument.organization_id else organization
    if target_org is None:
        raise _invalid(_("Choose the organization to copy the instrument into."))
    with transaction.atomic():
        source = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if source.organization_id:
            slug = source.slug
            version = (
                Instrument.objects.filter(organization=target_org, slug=slug)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            ) + 1
        else:
            slug = _unique_slug(target_org, source.slug)
            version = 1
        copy = Instrument.objects.create(
            organization=target_org,
            slug=slug,
            version=version,
            replaces=source if source.organization_id else None,
            name=source.name,
            description=source.description,
            source=source.source or _("CareMentor"),
            licence_status=source.licence_status,
            anonymity=source.anonymity,
            respondent=source.respondent,
            kind=source.kind,
            rates_mentor=source.rates_mentor,
            domains=source.domains,
            created_by=user,
        )
        fields = [f.name for f in Item._meta.concrete_fields if f.name not in ("id", "instrument")]
        Item.objects.bulk_create(
            Item(instrument=copy, **{f: getattr(item, f) for f in fields})
            for item in source.items.all()
        )
        if source.organization_id:
            source.is_active = False
            source.save(update_fields=["is_active"])
            ScheduleEntry.objects.filter(instrument=source).update(instrument=copy)
        record(
            user,
            "instrument.versioned",
            copy,
            organization=target_org,
            request=request,
            detail={"from": source.code, "version": version},
        )
    return copy


def instrument_set_active(
    *, instrument: Instrument, user: "User", active: bool, request: Any = None
) -> Instrument:
    if instrument.is_library:
        raise EvaluationError(
            _("Shipped instruments cannot be changed."), status=403, code="forbidden"
        )
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if not active and instrument.schedule_entries.exists():
            raise EvaluationError(
                _("This instrument is in a programme's schedule. Remove it there first."),
                code="scheduled",
            )
        instrument.is_active = active
        instrument.save(update_fields=["is_active"])
        record(
            user,
            "instrument.activated" if active else "instrument.archived",
            instrument,
            organization=instrument.organization,
            request=request,
        )
    return instrument


# --- Importing licensed instruments ---------------------------------------------------------

IMPORT_COLUMNS = ("key", "text", "domain", "scale", "points", "labels", "reverse", "required")


def _rows_from_table(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Items and domains from a table whose columns are ``IMPORT_COLUMNS`` (plus optional
    ``domain_label``, ``area``, ``min_value``, ``max_value``)."""
    items: list[dict[str, Any]] = []
    domains: dict[str, dict[str, str]] = {}
    for row in rows:
        row = {str(k or "").strip().lower(): v for k, v in row.items()}
        if not any(str(v or "").strip() for v in row.values()):
            continue
        domain_label = str(row.get("domain_label") or row.get("domain") or "").strip()
        domain_key = slugify(str(row.get("domain") or "")).replace("-", "_")
        if domain_key and domain_key not in domains:
            domains[domain_key] = {
                "key": domain_key,
                "label": domain_label,
                "area": str(row.get("area") or "").strip(),
            }
        items.append({**row, "domain": domain_key})
    return items, list(domains.values())


def parse_instrument_file(name: str, content: bytes) -> dict[str, Any]:
    """A JSON definition, or a CSV/XLSX table of items (one row per item)."""
    if len(content) > MAX_IMPORT_BYTES:
        raise _invalid(_("The file is larger than 1 MB."))
    lower = name.lower()
    try:
        if lower.endswith(".json"):
            data = json.loads(content.decode("utf-8-sig"))
            if not isinstance(data, dict):
                raise _invalid(_("The JSON file must hold one instrument object."))
            return data
        if lower.endswith((".csv", ".xlsx")):
            table = tabular.read_table(name, content, INSTRUMENT_LIMITS)
            if not table:
                raise _invalid(_("The spreadsheet is empty."))
            header = table[0]
            items, domains = _rows_from_table(
                [dict(zip(header, row, strict=False)) for row in table[1:]]
            )
            return {"items": items, "domains": domains}
    except EvaluationError:
        raise
    except tabular.TableError as exc:
        raise _invalid(exc.message) from exc
    except (ValueError, UnicodeDecodeError, KeyError, OSError, csv.Error) as exc:
        raise _invalid(_("The file could not be read: %(error)s") % {"error": exc}) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged files
        raise _invalid(_("The file could not be read.")) from exc
    raise _invalid(_("Upload a .json, .csv or .xlsx file."))


def instrument_import(
    *,
    organization: Any,
    user: "User",
    definition: Mapping[str, Any],
    permission_declared: bool,
    source: str,
    request: Any = None,
) -> Instrument:
    """Import a licensed instrument the organization holds rights to. The declaration and the
    source (author, citation, permission reference) are required and kept."""
    if not permission_declared:
        raise _invalid(
            _("Confirm that your organization holds permission to use this instrument."),
            [{"loc": ["permission_declared"], "msg": _("Required.")}],
        )
    if not source.strip():
        raise _invalid(
            _("Say where the instrument comes from and how permission was given."),
            [{"loc": ["source"], "msg": _("Required.")}],
        )
    data = clean_instrument_data({**definition, "licence_status": LicenceStatus.PERMISSION})
    data.source = source.strip()[:2000]
    with transaction.atomic():
        instrument = Instrument.objects.create(
            organization=organization,
            slug=_unique_slug(organization, data.name),
            name=data.name,
            description=data.description,
            source=data.source,
            licence_status=LicenceStatus.PERMISSION,
            anonymity=data.anonymity,
            respondent=data.respondent,
            kind=data.kind,
            rates_mentor=data.rates_mentor,
            domains=data.domains,
            created_by=user,
        )
        _write_items(instrument, data.items)
        record(
            user,
            "instrument.imported",
            instrument,
            organization=organization,
            request=request,
            detail={"items": len(data.items), "permission_declared": True},
        )
    return instrument


# --- The schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryData:
    instrument: Instrument
    occasion: str
    role: str
    months_after: int = 0
    open_days: int = 14
    reminder_days: int = 7


# (occasion, instrument slug, role, months after closure)
DEFAULT_SCHEDULE: tuple[tuple[str, str, str, int], ...] = (
    (Occasion.BASELINE, "mentee-outcomes", Role.MENTEE, 0),
    (Occasion.BASELINE, "mentor-competency-self", Role.MENTOR, 0),
    (Occasion.BASELINE, "mentor-outcomes", Role.MENTOR, 0),
    (Occasion.MIDPOINT, "relationship-quality", Role.MENTEE, 0),
    (Occasion.MIDPOINT, "psychological-safety", Role.MENTEE, 0),
    (Occasion.CLOSURE, "mentee-outcomes", Role.MENTEE, 0),
    (Occasion.CLOSURE, "relationship-quality", Role.MENTEE, 0),
    (Occasion.CLOSURE, "mentor-competency-rating", Role.MENTEE, 0),
    (Occasion.CLOSURE, "mentor-competency-self", Role.MENTOR, 0),
    (Occasion.CLOSURE, "mentor-outcomes", Role.MENTOR, 0),
    (Occasion.PULSE, "meeting-pulse", Role.MENTEE, 0),
    (Occasion.FOLLOW_UP, "mentee-outcomes", Role.MENTEE, 6),
)


def default_schedule() -> list[EntryData]:
    """The schedule proposed to a programme with none: built from the shipped instruments."""
    library = {i.slug: i for i in Instrument.objects.library().filter(slug__in=SHIPPED, version=1)}
    return [
        EntryData(
            instrument=library[slug],
            occasion=occasion,
            role=role,
            months_after=months,
            open_days=7 if occasion == Occasion.PULSE else 14,
            reminder_days=3 if occasion == Occasion.PULSE else 7,
        )
        for occasion, slug, role, months in DEFAULT_SCHEDULE
        if slug in library
    ]


def instruments_for(program: Any) -> "Any":
    """Active instruments a programme may schedule: shipped ones and its organization's."""
    return (
        Instrument.objects.active()
        .available_to([program.organization_id])
        .order_by("organization_id", "name")
    )


def check_entry(program: Any, entry: EntryData, n: int = 0) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    loc: list[Any] = ["entries", n]
    instrument = entry.instrument
    if instrument.organization_id not in (None, program.organization_id):
        errors.append({"loc": [*loc, "instrument"], "msg": _("Unknown instrument.")})
    elif not instrument.is_active:
        errors.append({"loc": [*loc, "instrument"], "msg": _("This instrument is archived.")})
    if entry.occasion not in Occasion.values:
        errors.append({"loc": [*loc, "occasion"], "msg": _("Unknown occasion.")})
    if entry.role not in Role.values:
        errors.append({"loc": [*loc, "role"], "msg": _("Ask mentees or mentors.")})
    elif instrument.respondent not in (Respondent.ANY, entry.role):
        errors.append(
            {"loc": [*loc, "role"], "msg": _("This instrument is not written for that role.")}
        )
    if instrument.rates_mentor and entry.role != Role.MENTEE:
        errors.append({"loc": [*loc, "role"], "msg": _("Only mentees rate their mentor.")})
    if entry.occasion == Occasion.FOLLOW_UP and not 1 <= entry.months_after <= 60:
        errors.append(
            {
                "loc": [*loc, "months_after"],
                "msg": _("Follow-ups are 1 to 60 months after closure."),
            }
        )
    if not 1 <= entry.open_days <= 120:
        errors.append({"loc": [*loc, "open_days"], "msg": _("Allow 1 to 120 days to answer.")})
    if not 0 <= entry.reminder_days < entry.open_days:
        errors.append(
            {"loc": [*loc, "reminder_days"], "msg": _("Remind before the survey closes.")}
        )
    return errors


def schedule_replace(
    *, program: Any, user: "User", entries: list[EntryData], request: Any = None
) -> list[ScheduleEntry]:
    """Make ``entries`` the programme's whole schedule. Surveys already sent stay as they are."""
    errors: list[dict[str, Any]] = []
    keys = set()
    for n, entry in enumerate(entries):
        errors += check_entry(program, entry, n)
        months = entry.months_after if entry.occasion == Occasion.FOLLOW_UP else 0
        key = (entry.instrument.pk, entry.occasion, months, entry.role)
        if key in keys:
            errors.append({"loc": ["entries", n], "msg": _("This survey is already scheduled.")})
        keys.add(key)
    if errors:
        raise _invalid(_("The schedule is not valid."), errors)
    with transaction.atomic():
        # Lock the programme row so two managers saving at once apply one after the other.
        type(program).objects.select_for_update().filter(pk=program.pk).first()
        kept: list[int] = []
        rows: list[ScheduleEntry] = []
        for entry in entries:
            months = entry.months_after if entry.occasion == Occasion.FOLLOW_UP else 0
            row, _created = ScheduleEntry.objects.update_or_create(
                program=program,
                instrument=entry.instrument,
                occasion=entry.occasion,
                months_after=months,
                role=entry.role,
                defaults={"open_days": entry.open_days, "reminder_days": entry.reminder_days},
            )
            kept.append(row.pk)
            rows.append(row)
        ScheduleEntry.objects.filter(program=program).exclude(pk__in=kept).delete()
        record(
            user,
            "evaluation.schedule_changed",
            program,
            organization=program.organization,
            request=request,
            detail={"entries": len(rows)},
        )
    return rows


# --- Answering -----------------------------------------------------------------------------


def has_answered(*, user: "User", program: Any, occasion: str) -> bool:
    """Whether the person answered a survey of this occasion in this programme (the
    certificates' "closure survey answered" rule). Reads only ``HasResponded``."""
    return HasResponded.objects.filter(
        assignment__user=user, assignment__program=program, assignment__occasion=occasion
    ).exists()


def cohort_label(when: Any) -> str:
    """The calendar quarter, e.g. ``2026-Q3``."""
    if when is None:
        return ""
    local = timezone.localtime(when) if hasattr(when, "tzinfo") else when
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def clean_answers(
    items: list[Item], answers: Mapping[str, Any]
) -> dict[str, tuple[float | None, str]]:
    """Raw values checked against each item: ``{key: (value, text)}``; raises 422 listing
    every problem. Unknown keys are refused, so a typo never silently drops an answer."""
    errors: list[dict[str, Any]] = []
    by_key = {item.key: item for item in items}
    for key in answers:
        if key not in by_key:
            errors.append({"loc": ["answers", str(key)], "msg": _("Unknown question.")})
    clean: dict[str, tuple[float | None, str]] = {}
    for item in items:
        raw = answers.get(item.key)
        if isinstance(raw, str):
            raw = raw.strip()
        if raw in (None, ""):
            if item.required:
                errors.append(
                    {"loc": ["answers", item.key], "msg": _("Please answer this question.")}
                )
            continue
        loc = ["answers", item.key]
        if item.scale == Scale.TEXT:
            text = str(raw)
            if len(text) > 5000:
                errors.append({"loc": loc, "msg": _("5,000 characters at most.")})
            clean[item.key] = (None, text)
            continue
        if item.scale == Scale.YES_NO:
            value = {"yes": 1.0, "true": 1.0, "1": 1.0, "no": 0.0, "false": 0.0, "0": 0.0}.get(
                str(raw).lower()
            )
            if value is None:
                errors.append({"loc": loc, "msg": _("Answer yes or no.")})
            else:
                clean[item.key] = (value, "")
            continue
        if isinstance(raw, bool):
            errors.append({"loc": loc, "msg": _("Choose a number.")})
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors.append({"loc": loc, "msg": _("Choose a number.")})
            continue
        if number != number or abs(number) == float("inf"):
            errors.append({"loc": loc, "msg": _("Choose a number.")})
            continue
        if item.scale == Scale.LIKERT:
            if number != int(number) or not 1 <= number <= item.points:
                errors.append(
                    {"loc": loc, "msg": _("Choose one of the %(n)s points.") % {"n": item.points}}
                )
                continue
        elif item.scale == Scale.NUMERIC:
            low, high = item.min_value, item.max_value
            if (low is not None and number < low) or (high is not None and number > high):
                errors.append({"loc": loc, "msg": _("Out of range.")})
                continue
        clean[item.key] = (number, "")
    if errors:
        raise _invalid(_("Some answers need attention."), errors)
    return clean


def response_submit(
    *, assignment: SurveyAssignment, user: "User", answers: Mapping[str, Any], request: Any = None
) -> None:
    """Answer one survey, once. Writes ``HasResponded`` (day only), the ``Response`` and its
    answers in one transaction. For an anonymous instrument the response carries no
    respondent, no mentorship and no time, and the audit event names only the assignment.
    A second submission, even a concurrent one, is refused with 409."""
    now = timezone.now()
    with transaction.atomic():
        assignment = (
            SurveyAssignment.objects.select_for_update(of=("self",))
            .select_related("instrument", "program", "mentorship")
            .get(pk=assignment.pk)
        )
        if assignment.user_id != getattr(user, "pk", None):
            raise EvaluationError(_("Not found."), status=404, code="not_found")
        if HasResponded.objects.filter(assignment=assignment).exists():
            raise EvaluationError(_("You have already answered this survey."), code="answered")
        if assignment.status != SurveyAssignment.Status.OPEN or assignment.due_at <= now:
            raise EvaluationError(_("This survey has closed."), code="closed")
        if assignment.opens_at > now:
            raise EvaluationError(_("This survey is not open yet."), code="not_open")
        instrument = assignment.instrument
        items = list(instrument.items.all())
        clean = clean_answers(items, answers)
        try:
            with transaction.atomic():
                HasResponded.objects.create(
                    assignment=assignment, responded_on=timezone.localdate(now)
                )
        except IntegrityError as exc:
            raise EvaluationError(
                _("You have already answered this survey."), code="answered"
            ) from exc
        named = not instrument.is_anonymous
        program = assignment.program
        mentorship = assignment.mentorship
        response = Response.objects.create(
            instrument=instrument,
            program=program,
            occasion=assignment.occasion,
            role=assignment.role,
            cohort=cohort_label(mentorship.activated_at if mentorship else assignment.opens_at)
            or cohort_label(assignment.opens_at),
            format=program.format,
            mentorship=mentorship if named else None,
            respondent=user if named else None,
            subject_id=assignment.subject_id,
            submitted_on=timezone.localdate(now),
            scores=score_answers(instrument, {k: v for k, (v, _t) in clean.items()}),
        )
        from carementor.evaluations.scoring import scored_value

        Answer.objects.bulk_create(
            Answer(
                response=response,
                item=item,
                value=clean[item.key][0],
                text=clean[item.key][1],
                score=scored_value(item, clean[item.key][0]),
            )
            for item in items
            if item.key in clean
        )
        assignment.status = SurveyAssignment.Status.CLOSED
        assignment.save(update_fields=["status"])
        # Deliberately no response id, no scores, no time beyond the event's own.
        record(
            user,
            "survey.answered",
            assignment,
            organization=program.organization,
            request=request,
            detail={"occasion": assignment.occasion, "instrument": instrument.code},
        )
        transaction.on_commit(
            lambda: participation_progressed.send(sender=Response, user=user, program=program)
        )
        from carementor.evaluations.report_cache import answers_changed

        answers_changed(program)  # the report is refreshed in the background, after the above


def assignments_for(user: "User") -> "QuerySet[SurveyAssignment]":
    return SurveyAssignment.objects.for_user(user).select_related(
        "instrument", "program", "mentorship", "subject", "has_responded"
    )
