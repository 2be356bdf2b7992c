"""Report loaders: the outcome analytics of one programme (what changed, for whom, in which
benefit area) and each person's own results, read from response rows.

Everything here reads; nothing writes. Each public function loads its data in a fixed number
of queries (one per table) and hands plain numbers to ``stats``; which groups and answers may
be shown is decided by the policy in ``anonymity`` (see its rules)."""

import datetime
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone

from carementor.evaluations import stats
from carementor.evaluations.anonymity import (
    Filters,
    Release,
    Row,
    filtered_view,
    group_size,
    release_for,
    withheld_cells,
)
from carementor.evaluations.models import (
    Anonymity,
    Answer,
    Area,
    EvaluationSettings,
    HasResponded,
    Instrument,
    InstrumentKind,
    Occasion,
    Response,
    Role,
    SurveyAssignment,
)
from carementor.evaluations.services import (
    ABSOLUTE_MIN_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    min_group_size_for,
)
from carementor.programs.models import Program
from carementor.programs.permissions import can_manage, get_program_for

K = TypeVar("K", bound=Hashable)

BENEFIT_AREAS = (Area.PRACTICE, Area.WELLBEING, Area.DEVELOPMENT)
OCCASION_ORDER = (
    Occasion.BASELINE,
    Occasion.MIDPOINT,
    Occasion.CLOSURE,
    Occasion.FOLLOW_UP,
    Occasion.PULSE,
)
# Likert 1..5: the scale midpoint that splits low from high support and challenge.
LIKERT_MIDPOINT = 3.0
OCCASION_RANK: dict[str, int] = {str(o): n for n, o in enumerate(OCCASION_ORDER)}
QUADRANTS = ("growth", "retreat", "confirmation", "stasis")
# Relationship quality bands over the 1..5 mean (lower bound inclusive).
BANDS = ((1.0, "1-1.9"), (2.0, "2-2.9"), (3.0, "3-3.9"), (4.0, "4-5"))


# --- Gate ------------------------------------------------------------------------------------


def report_program_for(user: Any, code: str) -> Program:
    """The programme whose outcome report a person may read: its managers only. Strangers
    (and members who cannot see the programme) get 404; participants get 403."""
    return get_program_for(user, code, manage=True)


def is_report_reader(user: Any, program: Program) -> bool:
    return can_manage(user, program)


def require_report(user: Any, program: Program) -> None:
    if not can_manage(user, program):
        raise PermissionDenied


def _rows(queryset: Any) -> list[Row]:
    values = queryset.values_list(
        "id",
        "program_id",
        "instrument_id",
        "occasion",
        "cohort",
        "format",
        "respondent_id",
        "mentorship_id",
        "scores",
        "instrument__anonymity",
        "submitted_on",
    )
    return [
        Row(
            id=pk,
            program_id=program_id,
            instrument_id=instrument_id,
            occasion=occasion,
            cohort=cohort,
            format=fmt,
            # Belt and braces: even a stray respondent on an anonymous row is never used.
            person=(respondent_id, mentorship_id)
            if respondent_id is not None and anonymity == Anonymity.NAMED
            else None,
            scores=scores or {},
            submitted_on=submitted_on,
        )
        for (
            pk,
            program_id,
            instrument_id,
            occasion,
            cohort,
            fmt,
            respondent_id,
            mentorship_id,
            scores,
            anonymity,
            submitted_on,
        ) in values
    ]


def _score(row: Row, key: str) -> float | None:
    value = row.scores.get(key)
    return float(value) if isinstance(value, int | float) else None


def _values(rows: Iterable[Row], key: str) -> list[float]:
    """Scores for stats: a missing score is NaN, which stats leaves out."""
    return [math.nan if (v := _score(r, key)) is None else v for r in rows]


def _areas(instrument: Instrument) -> dict[str, str]:
    """Area -> domain key for the instrument's benefit-area domains."""
    found: dict[str, str] = {}
    for domain in instrument.domains or []:
        area = domain.get("area", "")
        if area and area not in found:
            found[area] = domain["key"]
    return found


# --- Change from baseline to closure ---------------------------------------------------------


def change_of(rows: Sequence[Row], key: str, *, named: bool) -> stats.Change:
    """Closure minus baseline for one score key: paired by person when named."""
    baseline, closure = str(Occasion.BASELINE), str(Occasion.CLOSURE)
    if named:
        # Responses come oldest first: the first baseline and the last closure of each person.
        first: dict[Any, float] = {}
        last: dict[Any, float] = {}
        for r in rows:
            value = r.scores.get(key)
            if r.person is None or not isinstance(value, (int, float)):
                continue
            if r.occasion == baseline:
                first.setdefault(r.person, float(value))
            elif r.occasion == closure:
                last[r.person] = float(value)
        people = sorted(first.keys() & last.keys(), key=str)
        return stats.paired_change([first[p] for p in people], [last[p] for p in people])
    before: list[float] = []
    after: list[float] = []
    for r in rows:
        value = r.scores.get(key)
        if isinstance(value, int | float):
            if r.occasion == baseline:
                before.append(float(value))
            elif r.occasion == closure:
                after.append(float(value))
    return stats.unpaired_change(before, after)


@dataclass
class DomainChange:
    key: str
    label: str
    area: str
    change: stats.Change | None  # None: withheld
    reliability_before: stats.Reliability | None = None
    reliability_after: stats.Reliability | None = None


@dataclass
class GroupChange:
    """One cohort's or format's change per benefit area (None where withheld)."""

    label: str
    value: str
    n: int | None
    changes: dict[str, stats.Change | None]


@dataclass
class OutcomeBlock:
    instrument: Instrument
    named: bool
    n: int
    withheld: bool
    domains: list[DomainChange]
    total: stats.Change | None
    cohorts: list[GroupChange] = field(default_factory=list)
    correlations: "CorrelationMap | None" = None


@dataclass
class CorrelationMap:
    labels: list[str]
    areas: list[str]
    n: int
    withheld: bool
    cells: dict[tuple[str, str], stats.Correlation]


def _alpha_by_domain(
    instrument: Instrument, response_ids: Mapping[str, list[Any]]
) -> dict[tuple[str, str], stats.Reliability]:
    """Cronbach's alpha per (occasion, domain), aggregated in the database.

    Alpha needs only the per-item variances and the variance of the totals over complete
    cases (listwise deletion), so the database returns, per domain, a count, a sum and a sum
    of squares for each item and for the per-response totals: a few dozen numbers instead of
    every answer. The rows are exactly the released responses (``response_ids``, chosen by the
    anonymity policy), as one query per occasion."""
    items = [item for item in instrument.items.all() if item.is_scored]
    if not items:
        return {}
    sizes: dict[str, int] = defaultdict(int)
    for item in items:
        sizes[item.domain] += 1
    result = {}
    for occasion, ids in response_ids.items():
        if not ids:
            continue
        moments = _domain_moments(ids, items, sizes)
        for domain, k in sizes.items():
            n, item_variance, total_variance = moments.get(domain, (0, 0.0, 0.0))
            result[(occasion, domain)] = stats.cronbach_alpha_from_variances(
                n, k, item_variance, total_variance
            )
    return result


def _answers_sql(ids: list[Any], items: Sequence[Any]) -> tuple[str, Sequence[Any]]:
    """The scored answers of these responses and items. On PostgreSQL the ids travel as one
    array parameter (``= ANY``): compiling and sending tens of thousands of ``IN`` parameters
    took longer than the aggregation itself."""
    if connection.vendor == "postgresql":
        table = Answer._meta.db_table
        return (
            f"SELECT response_id, item_id, score FROM {table} "  # noqa: S608 - our table name
            "WHERE response_id = ANY(%s) AND item_id = ANY(%s) AND score IS NOT NULL",
            [list(ids), [item.pk for item in items]],
        )
    answers = Answer.objects.filter(
        response_id__in=ids, item__in=items, score__isnull=False
    ).values("response_id", "item_id", "score")
    return answers.query.sql_with_params()


def _domain_moments(
    ids: list[Any], items: Sequence[Any], sizes: Mapping[str, int]
) -> dict[str, tuple[int, float, float]]:
    """Domain -> (complete cases, sum of item variances, variance of totals), in one query.

    One pass groups the answers by response into a row per response (each domain's answered
    count, total and sum of squared scores, and each item's score); a second sums those rows
    over the complete cases of each domain. The sum of item variances is then
    (sum of squares - sum over items of column sum squared / n) / (n - 1)."""
    inner, params = _answers_sql(ids, items)
    domains = list(sizes)
    by_domain = {d: [int(item.pk) for item in items if item.domain == d] for d in domains}
    per_response = []
    totals = []
    for n, domain in enumerate(domains):
        members = ", ".join(str(pk) for pk in by_domain[domain])
        inside = f"a.item_id IN ({members})"
        per_response += [
            f"SUM(CASE WHEN {inside} THEN 1 ELSE 0 END) AS c{n}",
            f"SUM(CASE WHEN {inside} THEN a.score END) AS t{n}",
            f"SUM(CASE WHEN {inside} THEN a.score * a.score END) AS q{n}",
        ]
        complete = f"r.c{n} = {int(sizes[domain])}"
        totals += [
            f"SUM(CASE WHEN {complete} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {complete} THEN r.t{n} END)",
            f"SUM(CASE WHEN {complete} THEN r.t{n} * r.t{n} END)",
            f"SUM(CASE WHEN {complete} THEN r.q{n} END)",
        ]
        for pk in by_domain[domain]:
            per_response.append(f"SUM(CASE WHEN a.item_id = {pk} THEN a.score END) AS s{pk}")
            totals.append(f"SUM(CASE WHEN {complete} THEN r.s{pk} END)")
    sql = (
        f"SELECT {', '.join(totals)} FROM ("  # noqa: S608 - integers and Django's own SQL only
        f"SELECT {', '.join(per_response)} FROM ({inner}) a GROUP BY a.response_id) r"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = list(cursor.fetchone() or [])
    result = {}
    for domain in domains:
        n, total, total_squares, squares = values[:4]
        columns = values[4 : 4 + len(by_domain[domain])]
        values = values[4 + len(by_domain[domain]) :]
        n = int(n or 0)
        if n < 2:
            result[domain] = (n, math.nan, math.nan)
            continue
        result[domain] = (
            n,
            stats.summed_variance(n, [float(c or 0.0) for c in columns], float(squares)),
            stats.sample_variance(n, float(total), float(total_squares)),
        )
    return result


def outcome_block(
    instrument: Instrument,
    rows: Sequence[Row],
    *,
    threshold: int,
    filters: Filters,
    today: datetime.date,
) -> OutcomeBlock:
    named = instrument.anonymity == Anonymity.NAMED
    release = release_for(instrument, threshold, today)
    rows = release([r for r in rows if r.occasion in (Occasion.BASELINE, Occasion.CLOSURE)])

    def size(members: Sequence[Row]) -> int:
        return group_size(members, named=named)

    cohorts = cohort_changes(instrument, rows, threshold=threshold, named=named, release=release)
    view, allowed = filtered_view(rows, filters, threshold, size, release)
    n = size(view)
    if not allowed:
        return OutcomeBlock(instrument, named, 0, True, [], None, cohorts)
    by_occasion: dict[str, list[Any]] = {
        str(occasion): [r.id for r in view if r.occasion == occasion]
        for occasion in (Occasion.BASELINE, Occasion.CLOSURE)
    }
    alphas = _alpha_by_domain(instrument, by_occasion)
    domains = []
    for domain in instrument.domains or []:
        change = change_of(view, domain["key"], named=named)
        shown = min(change.n_before, change.n_after) >= threshold
        domains.append(
            DomainChange(
                key=domain["key"],
                label=str(domain.get("label", domain["key"])),
                area=domain.get("area", ""),
                change=change if shown else None,
                reliability_before=_alpha_if(
                    alphas.get((Occasion.BASELINE, domain["key"])), threshold
                ),
                reliability_after=_alpha_if(
                    alphas.get((Occasion.CLOSURE, domain["key"])), threshold
                ),
            )
        )
    total = change_of(view, "total", named=named)
    closure = [r for r in view if r.occasion == Occasion.CLOSURE]
    return OutcomeBlock(
        instrument=instrument,
        named=named,
        n=n,
        withheld=False,
        domains=domains,
        total=total if min(total.n_before, total.n_after) >= threshold else None,
        cohorts=cohorts,
        correlations=correlation_map(instrument, closure, threshold=threshold),
    )


def _alpha_if(reliability: stats.Reliability | None, threshold: int) -> stats.Reliability | None:
    return reliability if reliability is not None and reliability.n >= threshold else None


def cohort_changes(
    instrument: Instrument,
    rows: Sequence[Row],
    *,
    threshold: int,
    named: bool,
    release: Release = list,
) -> list[GroupChange]:
    """Each cohort's change per benefit area; small cohorts (and their complements) withheld."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.cohort].append(row)
    by_cohort = {cohort: release(members) for cohort, members in grouped.items()}
    sizes = {cohort: group_size(members, named=named) for cohort, members in by_cohort.items()}
    hidden = withheld_cells(sizes, threshold)
    areas = _areas(instrument)
    result = []
    for cohort in sorted(by_cohort):
        shown = cohort not in hidden and sizes[cohort] >= threshold
        changes: dict[str, stats.Change | None] = {}
        for area in [*BENEFIT_AREAS, "total"]:
            key = "total" if area == "total" else areas.get(area)
            changes[area] = (
                change_of(by_cohort[cohort], key, named=named) if shown and key else None
            )
        # n: the people it rests on; 0 when there is nothing to compare yet; None when withheld.
        n = sizes[cohort] if shown or sizes[cohort] == 0 else None
        result.append(GroupChange(label=cohort or "-", value=cohort, n=n, changes=changes))
    return result


def correlation_map(
    instrument: Instrument, rows: Sequence[Row], *, threshold: int
) -> CorrelationMap | None:
    """Pearson correlations between the three benefit areas in the same responses (the NHS
    study's conceptual map). Withheld below the threshold."""
    areas = _areas(instrument)
    keys = [(area, areas[area]) for area in BENEFIT_AREAS if area in areas]
    if len(keys) < 2:
        return None
    labels = [instrument.domain_label(key) for _area, key in keys]
    complete = [r for r in rows if all(_score(r, key) is not None for _a, key in keys)]
    if len(complete) < threshold:
        return CorrelationMap(labels, [a for a, _k in keys], len(complete), True, {})
    cells: dict[tuple[str, str], stats.Correlation] = {}
    for area_a, key_a in keys:
        for area_b, key_b in keys:
            if area_a < area_b:
                cells[(str(area_a), str(area_b))] = stats.correlation(
                    _values(complete, key_a), _values(complete, key_b)
                )
    return CorrelationMap(labels, [a for a, _k in keys], len(complete), False, cells)


# --- Relationship: support x challenge, quality distribution ---------------------------------


@dataclass
class RelationshipBlock:
    instrument: Instrument
    occasion: str
    n: int
    withheld: bool
    quadrants: dict[str, int | None]
    bands: list[tuple[str, int | None]]
    support: stats.MeanEstimate | None
    challenge: stats.MeanEstimate | None


def quadrant_of(support: float, challenge: float, midpoint: float = LIKERT_MIDPOINT) -> str:
    """Daloz: high means above the scale midpoint; a neutral score counts as low."""
    high_support, high_challenge = support > midpoint, challenge > midpoint
    if high_support and high_challenge:
        return "growth"
    if high_challenge:
        return "retreat"
    if high_support:
        return "confirmation"
    return "stasis"


def band_of(value: float) -> str:
    label = BANDS[0][1]
    for lower, name in BANDS:
        if value >= lower:
            label = name
    return label


def relationship_block(
    instrument: Instrument,
    rows: Sequence[Row],
    *,
    threshold: int,
    filters: Filters,
    today: datetime.date,
) -> RelationshipBlock | None:
    areas = _areas(instrument)
    support_key, challenge_key = areas.get(Area.SUPPORT), areas.get(Area.CHALLENGE)
    if not support_key or not challenge_key:
        return None
    # The latest occasion that has answers: closure, else midpoint, else any.
    occasion = next(
        (
            o
            for o in (Occasion.CLOSURE, Occasion.MIDPOINT, Occasion.FOLLOW_UP, Occasion.BASELINE)
            if any(r.occasion == o for r in rows)
        ),
        Occasion.CLOSURE,
    )
    at = [
        r
        for r in rows
        if r.occasion == occasion
        and _score(r, support_key) is not None
        and _score(r, challenge_key) is not None
    ]
    release = release_for(instrument, threshold, today)
    view, allowed = filtered_view(release(at), filters, threshold, len, release)
    if not allowed:
        return RelationshipBlock(instrument, occasion, 0, True, {}, [], None, None)
    supports = [_score(r, support_key) or 0.0 for r in view]
    challenges = [_score(r, challenge_key) or 0.0 for r in view]
    counts = dict.fromkeys(QUADRANTS, 0)
    for s, c in zip(supports, challenges, strict=True):
        counts[quadrant_of(s, c)] += 1
    hidden = withheld_cells(counts, threshold)
    quadrants: dict[str, int | None] = {
        name: (None if name in hidden else n) for name, n in counts.items()
    }
    quality = [(s + c) / 2 for s, c in zip(supports, challenges, strict=True)]
    band_counts = {name: 0 for _lower, name in BANDS}
    for value in quality:
        band_counts[band_of(value)] += 1
    hidden_bands = withheld_cells(band_counts, threshold)
    bands = [(name, None if name in hidden_bands else n) for name, n in band_counts.items()]
    return RelationshipBlock(
        instrument,
        occasion,
        len(view),
        False,
        quadrants,
        bands,
        stats.mean_ci(supports),
        stats.mean_ci(challenges),
    )


# --- Means of other instruments (safety, competency ratings) ---------------------------------


@dataclass
class MeanBlock:
    instrument: Instrument
    occasion: str
    n: int
    withheld: bool
    domains: list[tuple[str, str, stats.MeanEstimate]]


def mean_block(
    instrument: Instrument,
    rows: Sequence[Row],
    *,
    threshold: int,
    filters: Filters,
    today: datetime.date,
) -> MeanBlock:
    occasion = next(
        (
            o
            for o in (
                Occasion.CLOSURE,
                Occasion.MIDPOINT,
                Occasion.FOLLOW_UP,
                Occasion.BASELINE,
                Occasion.PULSE,
            )
            if any(r.occasion == o for r in rows)
        ),
        Occasion.CLOSURE,
    )
    at = [r for r in rows if r.occasion == occasion]
    release = release_for(instrument, threshold, today)
    view, allowed = filtered_view(release(at), filters, threshold, len, release)
    if not allowed:
        return MeanBlock(instrument, occasion, 0, True, [])
    domains = []
    for domain in instrument.domains or []:
        values = [v for r in view if (v := _score(r, domain["key"])) is not None]
        if len(values) >= threshold:
            domains.append((domain["key"], str(domain.get("label", "")), stats.mean_ci(values)))
    return MeanBlock(instrument, occasion, len(view), False, domains)


# --- Response rates --------------------------------------------------------------------------


@dataclass
class RateRow:
    instrument: str
    occasion: str
    role: str
    rate: stats.Rate | None  # None: withheld


def response_rates(program: Program, *, threshold: int, filters: Filters) -> list[RateRow]:
    """Assigned surveys against ``HasResponded`` rows, aggregated in the database by
    instrument, occasion, role and cohort (the quarter the relationship became active)."""
    started = Coalesce(F("mentorship__activated_at"), F("opens_at"))
    groups = (
        SurveyAssignment.objects.filter(program=program)
        .values("instrument__name", "occasion", "role")
        .annotate(
            year=ExtractYear(started),
            quarter=ExtractQuarter(started),
            assigned=Count("pk"),
            responded=Count("has_responded"),
        )
        .order_by()
    )
    cells: dict[tuple[str, str, str], dict[str, tuple[int, int]]] = defaultdict(dict)
    for group in groups:
        key = (group["instrument__name"], group["occasion"], group["role"])
        cohort = f"{group['year']}-Q{group['quarter']}"
        assigned, responded = cells[key].get(cohort, (0, 0))
        cells[key][cohort] = (assigned + group["assigned"], responded + group["responded"])
    rows = []
    order = OCCASION_RANK
    for key in sorted(cells, key=lambda k: (order.get(k[1], 9), k[0], k[2])):
        by_cohort = cells[key]
        if filters.format and filters.format != program.format:
            continue
        if filters.cohort:
            sizes = {cohort: counts[0] for cohort, counts in by_cohort.items()}
            hidden = withheld_cells(sizes, threshold)
            counts = by_cohort.get(filters.cohort)
            if counts is None:
                continue
            shown = filters.cohort not in hidden and counts[0] >= threshold
        else:
            counts = (
                sum(a for a, _r in by_cohort.values()),
                sum(r for _a, r in by_cohort.values()),
            )
            shown = counts[0] >= threshold
        rate = stats.response_rate(counts[1], counts[0]) if shown else None
        rows.append(RateRow(key[0], key[1], key[2], rate))
    return rows


# --- Format comparison across the organization's programmes ----------------------------------


def format_changes(
    instrument: Instrument,
    organization_id: int,
    *,
    threshold: int,
    today: datetime.date,
    known: tuple[int, Sequence[Row]] | None = None,
) -> list[GroupChange]:
    """Change per format across the organization's programmes using the same instrument.
    Programmes below the threshold are left out of their format entirely, so no format row
    minus a programme's own report gives away a small programme."""
    named = instrument.anonymity == Anonymity.NAMED
    responses = Response.objects.filter(
        instrument=instrument,
        program__organization_id=organization_id,
        occasion__in=(Occasion.BASELINE, Occasion.CLOSURE),
    )
    rows: list[Row] = []
    if known is not None:
        # The programme's own rows are already loaded: read only the other programmes'.
        program_id, own_rows = known
        responses = responses.exclude(program_id=program_id)
        wanted = {str(Occasion.BASELINE), str(Occasion.CLOSURE)}
        rows = [r for r in own_rows if r.instrument_id == instrument.pk and r.occasion in wanted]
    rows += _rows(responses)
    if known is not None:
        rows.sort(key=lambda r: (r.submitted_on, r.id))  # the queryset's order: oldest first
    thresholds = {
        program_id: max(ABSOLUTE_MIN_GROUP_SIZE, size)
        for program_id, size in EvaluationSettings.objects.filter(
            program__organization_id=organization_id
        ).values_list("program_id", "min_group_size")
    }
    by_program: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_program[row.program_id].append(row)
    by_format: dict[str, list[Row]] = defaultdict(list)
    for program_id, members in by_program.items():
        own = max(threshold, thresholds.get(program_id, DEFAULT_MIN_GROUP_SIZE))
        members = release_for(instrument, own, today)(members)
        if group_size(members, named=named) >= own:
            for row in members:
                by_format[row.format].append(row)
    areas = _areas(instrument)
    result = []
    for fmt in sorted(by_format):
        members = by_format[fmt]
        n = group_size(members, named=named)
        changes: dict[str, stats.Change | None] = {}
        for area in [*BENEFIT_AREAS, "total"]:
            key = "total" if area == "total" else areas.get(area)
            changes[area] = change_of(members, key, named=named) if key else None
        result.append(GroupChange(label=fmt, value=fmt, n=n, changes=changes))
    return result


# --- The whole programme ---------------------------------------------------------------------


@dataclass
class ProgramAnalytics:
    program: Program
    threshold: int
    filters: Filters
    cohorts: list[str]
    formats: list[str]
    responses: int
    rates: list[RateRow]
    outcomes: list[OutcomeBlock]
    relationships: list[RelationshipBlock]
    means: list[MeanBlock]
    format_comparison: list[GroupChange]


def program_analytics(
    program: Program, filters: Filters | None = None, *, today: datetime.date | None = None
) -> ProgramAnalytics:
    filters = filters or Filters()
    today = today or timezone.localdate()
    threshold = min_group_size_for(program)
    rows = _rows(Response.objects.filter(program=program))
    instrument_ids = {row.instrument_id for row in rows}
    instruments = {
        i.pk: i for i in Instrument.objects.filter(pk__in=instrument_ids).prefetch_related("items")
    }
    by_instrument: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_instrument[row.instrument_id].append(row)
    outcomes, relationships, means = [], [], []
    for instrument in sorted(instruments.values(), key=lambda i: (i.kind != "outcome", i.name)):
        members = by_instrument[instrument.pk]
        areas = _areas(instrument)
        if instrument.kind == InstrumentKind.OUTCOME or set(areas) & set(BENEFIT_AREAS):
            outcomes.append(
                outcome_block(
                    instrument, members, threshold=threshold, filters=filters, today=today
                )
            )
        elif Area.SUPPORT in areas and Area.CHALLENGE in areas:
            block = relationship_block(
                instrument, members, threshold=threshold, filters=filters, today=today
            )
            if block:
                relationships.append(block)
        elif instrument.kind != InstrumentKind.PULSE or len(members) >= threshold:
            means.append(
                mean_block(instrument, members, threshold=threshold, filters=filters, today=today)
            )
    format_comparison = []
    if outcomes and not filters.active:
        format_comparison = format_changes(
            outcomes[0].instrument,
            program.organization_id,
            threshold=threshold,
            today=today,
            known=(program.pk, rows),
        )
    return ProgramAnalytics(
        program=program,
        threshold=threshold,
        filters=filters,
        cohorts=sorted({row.cohort for row in rows if row.cohort}),
        formats=sorted({row.format for row in rows if row.format}),
        responses=len(rows),
        rates=response_rates(program, threshold=threshold, filters=filters),
        outcomes=outcomes,
        relationships=relationships,
        means=means,
        format_comparison=format_comparison,
    )


# --- Personal views --------------------------------------------------------------------------


@dataclass
class PersonalSeries:
    instrument: Instrument
    program: Program
    occasions: list[str]
    domains: list[tuple[str, str]]  # key, label
    values: dict[str, list[float | None]]  # domain key -> value per occasion


@dataclass
class MyResults:
    series: list[PersonalSeries]
    anonymous_answered: int


def my_results(user: Any) -> MyResults:
    """A person's own named responses over time. Anonymous answers are stored without a
    name, so they cannot be found again: only how many there were (from HasResponded)."""
    responses = (
        Response.objects.filter(respondent=user, instrument__anonymity=Anonymity.NAMED)
        .select_related("instrument", "program")
        .order_by("submitted_on")
    )
    grouped: dict[tuple[int, int], list[Response]] = defaultdict(list)
    for response in responses:
        grouped[(response.instrument_id, response.program_id)].append(response)
    series = []
    order = OCCASION_RANK
    for members in grouped.values():
        instrument, program = members[0].instrument, members[0].program
        occasions = sorted({r.occasion for r in members}, key=lambda o: order.get(o, 9))
        latest = {r.occasion: r for r in members}  # later submissions win
        domains = [(d["key"], str(d.get("label", d["key"]))) for d in instrument.domains or []]
        values = {
            key: [
                float(v) if isinstance(v := latest[o].scores.get(key), int | float) else None
                for o in occasions
            ]
            for key, _label in domains
        }
        series.append(PersonalSeries(instrument, program, occasions, domains, values))
    anonymous = HasResponded.objects.filter(
        assignment__user=user, assignment__instrument__anonymity=Anonymity.ANONYMOUS
    ).count()
    return MyResults(series=series, anonymous_answered=anonymous)


@dataclass
class CompetencyRow:
    key: str
    label: str
    self_rating: float | None
    others: stats.MeanEstimate | None


@dataclass
class MentorCompetency:
    threshold: int
    raters: int  # ratings received in total
    released: int  # ratings the aggregate uses (whole batches of the threshold)
    withheld: bool
    rows: list[CompetencyRow]
    weakest: list[CompetencyRow]


def mentor_competency(user: Any, *, today: Any) -> MentorCompetency:
    """A mentor's competency ratings by mentees, aggregated, beside the latest self-rating.

    Shown only when at least the threshold of mentees rated them. Ratings are released in
    whole batches of the threshold, oldest first and only from before today, so comparing
    the page before and after one more rating never isolates that rating.
    """
    ratings = list(
        Response.objects.filter(
            subject=user,
            instrument__rates_mentor=True,
            role=Role.MENTEE,
            submitted_on__lt=today,
        )
        .order_by("submitted_on", "id")
        .values_list("program_id", "instrument_id", "scores")
    )
    # The strictest minimum of the programmes the ratings come from, in one query.
    program_ids = {p for p, _i, _s in ratings}
    settings = dict(
        EvaluationSettings.objects.filter(program_id__in=program_ids).values_list(
            "program_id", "min_group_size"
        )
    )
    threshold = max(
        [
            max(ABSOLUTE_MIN_GROUP_SIZE, settings.get(p, DEFAULT_MIN_GROUP_SIZE))
            for p in program_ids
        ],
        default=DEFAULT_MIN_GROUP_SIZE,
    )
    released_count = len(ratings) // threshold * threshold
    released = ratings[:released_count]
    self_response = (
        Response.objects.filter(
            respondent=user, instrument__kind=InstrumentKind.COMPETENCY, role=Role.MENTOR
        )
        .select_related("instrument")
        .order_by("-submitted_on")
        .first()
    )
    rating_instrument = (
        Instrument.objects.filter(pk=released[0][1]).first() if released else None
    ) or (
        Instrument.objects.filter(rates_mentor=True, organization__isnull=True)
        .order_by("pk")
        .first()
    )
    domains = (rating_instrument.domains if rating_instrument else None) or (
        self_response.instrument.domains if self_response else []
    )
    rows = []
    for domain in domains:
        key = domain["key"]
        values = [
            float(v) for _p, _i, scores in released if isinstance(v := scores.get(key), int | float)
        ]
        own = self_response.scores.get(key) if self_response else None
        rows.append(
            CompetencyRow(
                key=key,
                label=str(domain.get("label", key)),
                self_rating=float(own) if isinstance(own, int | float) else None,
                others=stats.mean_ci(values) if len(values) >= threshold else None,
            )
        )
    withheld = released_count < threshold
    rated = [r for r in rows if r.others is not None and r.others.mean is not None]
    weakest = sorted(rated, key=lambda r: (r.others.mean or 0.0) if r.others else 0.0)[:2]
    if not rated:
        weakest = sorted(
            [r for r in rows if r.self_rating is not None], key=lambda r: r.self_rating or 0.0
        )[:2]
    return MentorCompetency(
        threshold=threshold,
        raters=len(ratings),
        released=released_count,
        withheld=withheld,
        rows=rows,
        weakest=weakest,
    )
