"""The outcome report in words, charts and tables, built from ``analytics`` for the page, the
PDF, the CSV/XLSX exports and the API alike, so they can never disagree.

Everything passed in has already been through the anonymity threshold: a withheld value is
``None`` here and becomes "fewer than N responses" in words, a gap in a chart, a note in a
table, and an empty cell in an export.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carementor.evaluations import charts, stats
from carementor.evaluations.analytics import (
    BENEFIT_AREAS,
    CorrelationMap,
    GroupChange,
    MeanBlock,
    MentorCompetency,
    MyResults,
    OutcomeBlock,
    ProgramAnalytics,
    RelationshipBlock,
)
from carementor.evaluations.models import Area, Occasion, Role
from carementor.programs.models import Format

LIKERT = (1.0, 5.0)


def withheld_text(threshold: int) -> str:
    return ngettext("fewer than %(n)s response", "fewer than %(n)s responses", threshold) % {
        "n": threshold
    }


def occasion_label(value: str) -> str:
    try:
        return str(Occasion(value).label)
    except ValueError:
        return value


def format_label(value: str) -> str:
    try:
        return str(Format(value).label)
    except ValueError:
        return value or "-"


def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


def area_label(value: str) -> str:
    try:
        return str(Area(value).label)
    except ValueError:
        return value


def magnitude(effect: float | None) -> str:
    """Cohen's conventional words for a standardized effect size."""
    if effect is None:
        return ""
    size = abs(effect)
    if size < 0.2:
        return _("negligible")
    if size < 0.5:
        return _("small")
    if size < 0.8:
        return _("medium")
    return _("large")


def effect_name(change: stats.Change) -> str:
    return _("Cohen's d (average SD)") if change.effect_label == "d_av" else _("Hedges' g")


def change_sentence(label: str, change: stats.Change | None, threshold: int) -> str:
    """One line a board member can read: direction, size, interval, effect size."""
    if change is None or change.difference is None:
        return _("%(area)s: not shown, %(withheld)s.") % {
            "area": label,
            "withheld": withheld_text(threshold),
        }
    if change.ci_low is not None and change.ci_high is not None:
        if change.ci_low > 0:
            verdict = _("a clear improvement")
        elif change.ci_high < 0:
            verdict = _("a clear decline")
        else:
            verdict = _("no clear change (the interval includes zero)")
        interval = _("95%% CI %(low)+.2f to %(high)+.2f") % {
            "low": change.ci_low,
            "high": change.ci_high,
        }
    else:
        verdict, interval = _("too few answers for an interval"), ""
    effect = (
        _("effect size %(value).2f, %(words)s")
        % {"value": change.effect_size, "words": magnitude(change.effect_size)}
        if change.effect_size is not None
        else ""
    )
    details = "; ".join(part for part in (interval, effect) if part)
    return _("%(area)s: %(change)+.2f points on a 1-5 scale, %(verdict)s (%(details)s).") % {
        "area": label,
        "change": change.difference,
        "verdict": verdict,
        "details": details,
    }


# --- Sections --------------------------------------------------------------------------------


@dataclass
class OutcomeSection:
    block: OutcomeBlock
    sentences: list[str]
    change_chart: charts.Chart | None = None
    levels_chart: charts.Chart | None = None
    cohort_chart: charts.Chart | None = None
    map_chart: charts.Chart | None = None
    map_rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RelationshipSection:
    block: RelationshipBlock
    quadrant_chart: charts.Chart | None
    band_chart: charts.Chart | None
    quadrant_rows: list[tuple[str, str, int | None]]


@dataclass
class Report:
    analytics: ProgramAnalytics
    withheld: str
    summary: list[str]
    outcomes: list[OutcomeSection]
    relationships: list[RelationshipSection]
    means: list[MeanBlock]
    rate_chart: charts.Chart | None
    format_chart: charts.Chart | None
    format_rows: list[GroupChange]
    rate_table: list[dict[str, Any]] = field(default_factory=list)
    format_choices: list[tuple[str, str]] = field(default_factory=list)


QUADRANT_NAMES = {
    "growth": gettext_lazy("Growth"),
    "retreat": gettext_lazy("Retreat"),
    "confirmation": gettext_lazy("Confirmation"),
    "stasis": gettext_lazy("Stasis"),
}
QUADRANT_HELP = {
    "growth": gettext_lazy("high support, high challenge"),
    "retreat": gettext_lazy("low support, high challenge"),
    "confirmation": gettext_lazy("high support, low challenge"),
    "stasis": gettext_lazy("low support, low challenge"),
}


def quadrant_names() -> dict[str, str]:
    return {key: str(value) for key, value in QUADRANT_NAMES.items()}


def _total_row(group: GroupChange) -> charts.IntervalRow:
    total = group.changes.get("total")
    if total is None:
        return charts.IntervalRow(group.label, None)
    return charts.IntervalRow(group.label, total.difference, total.ci_low, total.ci_high)


def _outcome_section(block: OutcomeBlock, threshold: int, key: str) -> OutcomeSection:
    withheld = withheld_text(threshold)
    sentences = []
    if block.withheld:
        return OutcomeSection(block, [_("Not shown: %(w)s.") % {"w": withheld}])
    for domain in block.domains:
        sentences.append(change_sentence(domain.label, domain.change, threshold))
    rows = [
        charts.IntervalRow(
            d.label,
            d.change.difference if d.change else None,
            d.change.ci_low if d.change else None,
            d.change.ci_high if d.change else None,
        )
        for d in block.domains
    ]
    described = " ".join(sentences)
    change_chart = charts.forest_chart(
        f"{key}-change",
        rows,
        title=_("Change from baseline to closure, %(name)s") % {"name": block.instrument.name},
        description=described,
        axis_label=_("Change in mean score (closure minus baseline), with 95% CI"),
        withheld=withheld,
    )
    levels = [
        charts.PairRow(
            d.label,
            d.change.mean_before if d.change else None,
            d.change.mean_after if d.change else None,
        )
        for d in block.domains
    ]
    levels_chart = charts.paired_bar_chart(
        f"{key}-levels",
        levels,
        title=_("Mean scores at baseline and at closure"),
        description="; ".join(
            _("%(label)s %(before).2f at baseline, %(after).2f at closure")
            % {"label": r.label, "before": r.first, "after": r.second}
            if r.first is not None and r.second is not None
            else f"{r.label}: {withheld}"
            for r in levels
        ),
        first_label=_("Baseline"),
        second_label=_("Closure"),
        value_label=_("Mean score (1-5)"),
        scale=LIKERT,
        withheld=withheld,
    )
    cohort_chart = None
    if len(block.cohorts) > 1:
        cohort_rows = [_total_row(c) for c in block.cohorts]
        cohort_chart = charts.forest_chart(
            f"{key}-cohorts",
            cohort_rows,
            title=_("Change in the overall score by cohort"),
            description="; ".join(
                f"{r.label}: {r.value:+.2f}" if r.value is not None else f"{r.label}: {withheld}"
                for r in cohort_rows
            ),
            axis_label=_("Change in overall mean score, with 95% CI"),
            withheld=withheld,
        )
    map_chart, map_rows = _map(block.correlations, key, withheld)
    return OutcomeSection(
        block, sentences, change_chart, levels_chart, cohort_chart, map_chart, map_rows
    )


def _map(
    found: CorrelationMap | None, key: str, withheld: str
) -> tuple[charts.Chart | None, list[dict[str, Any]]]:
    if found is None or found.withheld:
        return None, []
    labels = dict(zip(found.areas, found.labels, strict=True))
    size = len(found.areas)
    matrix: list[list[float | None]] = [[None] * size for _ in range(size)]
    rows: list[dict[str, Any]] = []
    for i, a in enumerate(found.areas):
        matrix[i][i] = 1.0
        for j, b in enumerate(found.areas):
            cell = found.cells.get((a, b))
            if cell is not None:
                matrix[i][j] = matrix[j][i] = cell.r
                if cell.r is not None:
                    rows.append({"a": labels[a], "b": labels[b], "cell": cell})
    chart = charts.correlation_chart(
        f"{key}-map",
        found.labels,
        matrix,
        title=_("How the three benefit areas move together (Pearson r at closure)"),
        description="; ".join(f"{row['a']} - {row['b']}: r = {row['cell'].r:.2f}" for row in rows),
    )
    return chart, rows


def _relationship_section(
    block: RelationshipBlock, threshold: int, key: str
) -> RelationshipSection:
    withheld = withheld_text(threshold)
    names = quadrant_names()
    rows = [(names[q], str(QUADRANT_HELP[q]), block.quadrants.get(q)) for q in QUADRANT_HELP]
    if block.withheld:
        return RelationshipSection(block, None, None, rows)
    quadrant_chart = charts.quadrant_chart(
        f"{key}-quadrant",
        block.quadrants,
        names=names,
        title=_("Support and challenge (after Daloz), %(occasion)s")
        % {"occasion": occasion_label(block.occasion)},
        description="; ".join(
            f"{name}: {count if count is not None else withheld}" for name, _h, count in rows
        ),
        support_label=_("Support"),
        challenge_label=_("Challenge"),
        low_label=_("low"),
        high_label=_("high"),
        withheld=withheld,
    )
    band_chart = charts.count_bar_chart(
        f"{key}-bands",
        block.bands,
        title=_("Relationship quality: mean of support and challenge"),
        description="; ".join(
            f"{band}: {count if count is not None else withheld}" for band, count in block.bands
        ),
        value_label=_("Relationships"),
        withheld=withheld,
    )
    return RelationshipSection(block, quadrant_chart, band_chart, rows)


def build_report(found: ProgramAnalytics) -> Report:
    threshold = found.threshold
    withheld = withheld_text(threshold)
    outcomes = [
        _outcome_section(block, threshold, f"o{n}") for n, block in enumerate(found.outcomes)
    ]
    relationships = [
        _relationship_section(block, threshold, f"r{n}")
        for n, block in enumerate(found.relationships)
    ]
    rate_rows = [
        (f"{r.instrument} · {occasion_label(r.occasion)}", r.rate.rate if r.rate else None)
        for r in found.rates
    ]
    rate_chart = (
        charts.rate_chart(
            "rates",
            rate_rows,
            title=_("Response rates"),
            description="; ".join(
                f"{label}: {rate:.0%}" if rate is not None else f"{label}: {withheld}"
                for label, rate in rate_rows
            ),
            value_label=_("Surveys answered (%)"),
        )
        if rate_rows
        else None
    )
    format_chart = None
    format_rows = found.format_comparison
    for row in format_rows:
        row.label = format_label(row.value)
    if len(format_rows) > 1:
        interval_rows = [_total_row(row) for row in format_rows]
        format_chart = charts.forest_chart(
            "formats",
            interval_rows,
            title=_("Change in the overall score by programme format"),
            description="; ".join(
                f"{r.label}: {r.value:+.2f}" if r.value is not None else f"{r.label}: {withheld}"
                for r in interval_rows
            ),
            axis_label=_("Change in overall mean score, with 95% CI"),
            withheld=withheld,
        )
    return Report(
        analytics=found,
        withheld=withheld,
        summary=_summary(found, outcomes),
        outcomes=outcomes,
        relationships=relationships,
        means=found.means,
        rate_chart=rate_chart,
        format_chart=format_chart,
        format_rows=format_rows,
        rate_table=[
            {
                "instrument": r.instrument,
                "occasion": occasion_label(r.occasion),
                "role": role_label(r.role),
                "rate": r.rate,
            }
            for r in found.rates
        ],
        format_choices=[(value, format_label(value)) for value in found.formats],
    )


def _summary(found: ProgramAnalytics, outcomes: list[OutcomeSection]) -> list[str]:
    """The three questions, answered in a sentence each where the data allow."""
    lines = []
    main = next((s for s in outcomes if not s.block.withheld), None)
    if main is None:
        return [
            _("There are not yet enough answers to show outcomes (%(w)s at baseline and closure).")
            % {"w": withheld_text(found.threshold)}
        ]
    block = main.block
    improved = [
        d.label
        for d in block.domains
        if d.change and d.change.ci_low is not None and d.change.ci_low > 0
    ]
    design = (
        _("the same %(n)s people answered at baseline and at closure")
        if block.named
        else _("anonymous answers, at least %(n)s at baseline and at closure")
    ) % {"n": block.n}
    if improved:
        lines.append(
            _("Did it work? Yes in %(areas)s (%(design)s).")
            % {"areas": ", ".join(improved), "design": design}
        )
    else:
        lines.append(
            _("Did it work? No clear change yet in any area (%(design)s).") % {"design": design}
        )
    cohorts = [c for c in block.cohorts if c.n and c.changes.get("total")]
    if len(cohorts) > 1:
        best = max(cohorts, key=lambda c: c.changes["total"].difference or 0)  # type: ignore[union-attr]
        lines.append(
            _("For whom? The largest overall change was in cohort %(cohort)s (%(change)+.2f).")
            % {"cohort": best.label, "change": best.changes["total"].difference}  # type: ignore[union-attr]
        )
    ranked = sorted(
        (d for d in block.domains if d.change and d.change.effect_size is not None),
        key=lambda d: d.change.effect_size or 0.0,  # type: ignore[union-attr]
        reverse=True,
    )
    if ranked:
        top = ranked[0]
        lines.append(
            _("In which area? Most in %(area)s (effect size %(es).2f, %(words)s).")
            % {
                "area": top.label,
                "es": top.change.effect_size,  # type: ignore[union-attr]
                "words": magnitude(top.change.effect_size),  # type: ignore[union-attr]
            }
        )
    return lines


# --- Flat rows for CSV, XLSX and the API ----------------------------------------------------

EXPORT_COLUMNS = (
    "section",
    "instrument",
    "group",
    "measure",
    "n",
    "baseline_mean",
    "closure_mean",
    "change",
    "ci_low",
    "ci_high",
    "effect_size",
    "effect_type",
    "p_value",
    "alpha_baseline",
    "alpha_closure",
    "note",
)


def _change_cells(change: stats.Change | None) -> dict[str, Any]:
    if change is None:
        return {}
    return {
        "n": min(change.n_before, change.n_after),
        "baseline_mean": change.mean_before,
        "closure_mean": change.mean_after,
        "change": change.difference,
        "ci_low": change.ci_low,
        "ci_high": change.ci_high,
        "effect_size": change.effect_size,
        "effect_type": change.effect_label,
        "p_value": change.p_value,
    }


def export_rows(found: ProgramAnalytics) -> list[dict[str, Any]]:
    """Aggregate results only, one row per figure; withheld figures say so in ``note``."""
    withheld = withheld_text(found.threshold)
    rows: list[dict[str, Any]] = []

    def add(**cells: Any) -> None:
        rows.append({column: cells.get(column, "") for column in EXPORT_COLUMNS})

    for rate in found.rates:
        add(
            section="response_rate",
            instrument=rate.instrument,
            group=rate.occasion,
            measure=rate.role,
            n=rate.rate.assigned if rate.rate else "",
            change=rate.rate.rate if rate.rate else "",
            ci_low=rate.rate.ci_low if rate.rate else "",
            ci_high=rate.rate.ci_high if rate.rate else "",
            note="" if rate.rate else withheld,
        )
    for block in found.outcomes:
        name = block.instrument.name
        if block.withheld:
            add(section="outcome", instrument=name, group="all", note=withheld)
            continue
        for domain in block.domains:
            add(
                section="outcome",
                instrument=name,
                group="all",
                measure=domain.key,
                alpha_baseline=domain.reliability_before.alpha if domain.reliability_before else "",
                alpha_closure=domain.reliability_after.alpha if domain.reliability_after else "",
                note="" if domain.change else withheld,
                **_change_cells(domain.change),
            )
        for cohort in block.cohorts:
            for area in [*BENEFIT_AREAS, "total"]:
                change = cohort.changes.get(area)
                add(
                    section="cohort",
                    instrument=name,
                    group=cohort.value,
                    measure=str(area),
                    note="" if change else (withheld if cohort.n is None else ""),
                    **_change_cells(change),
                )
        if block.correlations and not block.correlations.withheld:
            for (a, b), cell in block.correlations.cells.items():
                add(
                    section="correlation",
                    instrument=name,
                    group="closure",
                    measure=f"{a}~{b}",
                    n=cell.n,
                    change=cell.r,
                    ci_low=cell.ci_low,
                    ci_high=cell.ci_high,
                    effect_type="r",
                    p_value=cell.p_value,
                )
    for rel in found.relationships:
        name = rel.instrument.name
        if rel.withheld:
            add(section="quadrant", instrument=name, group=rel.occasion, note=withheld)
            continue
        for quadrant, count in rel.quadrants.items():
            add(
                section="quadrant",
                instrument=name,
                group=rel.occasion,
                measure=quadrant,
                n=count if count is not None else "",
                note="" if count is not None else withheld,
            )
        for band, count in rel.bands:
            add(
                section="quality_band",
                instrument=name,
                group=rel.occasion,
                measure=band,
                n=count if count is not None else "",
                note="" if count is not None else withheld,
            )
    for mean in found.means:
        if mean.withheld:
            add(section="mean", instrument=mean.instrument.name, group=mean.occasion, note=withheld)
            continue
        for key, _label, estimate in mean.domains:
            add(
                section="mean",
                instrument=mean.instrument.name,
                group=mean.occasion,
                measure=key,
                n=estimate.n,
                closure_mean=estimate.mean,
                ci_low=estimate.ci_low,
                ci_high=estimate.ci_high,
            )
    for fmt in found.format_comparison:
        for area in [*BENEFIT_AREAS, "total"]:
            change = fmt.changes.get(area)
            add(
                section="format",
                instrument=found.outcomes[0].instrument.name if found.outcomes else "",
                group=fmt.value,
                measure=str(area),
                **_change_cells(change),
            )
    return rows


# --- Personal views --------------------------------------------------------------------------

GROWTH_TIPS = {
    "communication": gettext_lazy(
        "Listen more than you speak: end each meeting by asking what was most useful, and "
        "give one piece of specific, kind feedback."
    ),
    "expectations": gettext_lazy(
        "Revisit your mentoring agreement every few meetings: goals, how often you meet, "
        "what is confidential and where its limits are."
    ),
    "understanding": gettext_lazy(
        "Check understanding instead of assuming it: ask your mentee to summarise the plan "
        "in their own words before you close."
    ),
    "diversity": gettext_lazy(
        "Ask about your mentee's background and the barriers they meet; notice where your own "
        "assumptions shape your advice."
    ),
    "independence": gettext_lazy(
        "Let your mentee lead the agenda and the decisions: ask what options they see before "
        "offering yours."
    ),
    "professional_development": gettext_lazy(
        "Open doors: introduce your mentee to one person in your network and point them to an "
        "opportunity (a course, a project, a talk) each term."
    ),
}


def growth_tip(key: str) -> str:
    tip = GROWTH_TIPS.get(key)
    return str(tip) if tip else _("Talk with your programme coordinator about ways to grow here.")


@dataclass
class PersonalSection:
    title: str
    program: str
    chart: charts.Chart | None
    occasions: list[str]
    rows: list[tuple[str, list[float | None]]]


def personal_sections(found: MyResults) -> list[PersonalSection]:
    sections = []
    for n, series in enumerate(found.series):
        occasions = [occasion_label(o) for o in series.occasions]
        rows = [(label, series.values[key]) for key, label in series.domains]
        chart = (
            charts.timeline_chart(
                f"mine{n}",
                occasions,
                rows,
                title=_("Your scores over time: %(name)s") % {"name": series.instrument.name},
                description="; ".join(
                    f"{label}: "
                    + ", ".join(
                        f"{o} {v:.2f}"
                        for o, v in zip(occasions, values, strict=True)
                        if v is not None
                    )
                    for label, values in rows
                ),
                value_label=_("Mean score (1-5)"),
                scale=LIKERT,
            )
            if len(occasions) > 1
            else None
        )
        sections.append(
            PersonalSection(series.instrument.name, series.program.name, chart, occasions, rows)
        )
    return sections


def competency_chart(found: MentorCompetency) -> charts.Chart | None:
    if not found.rows:
        return None
    withheld = withheld_text(found.threshold)
    rows = [
        charts.PairRow(r.label, r.self_rating, r.others.mean if r.others else None)
        for r in found.rows
    ]
    return charts.paired_bar_chart(
        "competency",
        rows,
        title=_("Your mentoring competencies: your view and your mentees' (average)"),
        description="; ".join(
            f"{r.label}: "
            + (_("you %(v).2f") % {"v": r.first} if r.first is not None else _("no self-rating"))
            + ", "
            + (_("mentees %(v).2f") % {"v": r.second} if r.second is not None else withheld)
            for r in rows
        ),
        first_label=_("Your self-rating"),
        second_label=_("Mentees' average"),
        value_label=_("Mean score (1-5)"),
        scale=LIKERT,
        withheld=withheld,
    )
