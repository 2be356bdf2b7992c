"""Match a cohort from CSV files: `python -m carementor.matching.engine.cli --help`.

For coordinators' data teams. People files have one person a row, with a header; only `key`
is required. Lists are separated by ";" and competency levels are written "code:level".

    key,profession,profession_group,specialties,career_rank,languages,timezone,
    preferred_slots,meeting_formats,country,city,competencies,targets,goals,interests,
    roles_offered,roles_sought,capacity,active_mentees,hours_per_month,supervisor,
    conflicts,assesses,verified,years_in_practice

An optional preferences file ranks people by hand (best first), for stable matching:

    side,person,ranked
    mentee,asha,vikram;mary
    mentor,vikram,asha;ravi

The output has one row per mentee: the mentor (empty if unmatched), the score, and the top
reasons in words and as codes. Malformed rows stop the run with the file, line and reason.
"""

from __future__ import annotations

import argparse
import csv
import sys
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np
import scipy.sparse as sp

from carementor.matching.engine import synthetic
from carementor.matching.engine.cohort import candidates
from carementor.matching.engine.encode import Encoder, Population
from carementor.matching.engine.explain import explain
from carementor.matching.engine.optimal import optimal_match
from carementor.matching.engine.people import (
    MeetingFormat,
    MentoringRole,
    Person,
    ProgramFormat,
    Slot,
)
from carementor.matching.engine.program import ProgramSettings, Weights
from carementor.matching.engine.scoring import Scorer
from carementor.matching.engine.stable import Prefs, stable_match

LISTS = (
    "specialties",
    "languages",
    "preferred_slots",
    "meeting_formats",
    "roles_offered",
    "roles_sought",
)
SETS = ("conflicts", "assesses")
TEXTS = (
    "profession",
    "profession_group",
    "timezone",
    "country",
    "city",
    "goals",
    "interests",
    "supervisor",
)
COLUMNS = {
    "key",
    *LISTS,
    *SETS,
    *TEXTS,
    "career_rank",
    "years_in_practice",
    "competencies",
    "targets",
}
COLUMNS |= {"capacity", "active_mentees", "hours_per_month", "verified"}
CHOICES = {
    "preferred_slots": {s.value for s in Slot},
    "meeting_formats": {f.value for f in MeetingFormat},
    "roles_offered": {r.value for r in MentoringRole},
    "roles_sought": {r.value for r in MentoringRole},
}
TRUE, FALSE = {"1", "true", "yes", "y"}, {"", "0", "false", "no", "n"}


class InputError(ValueError):
    """A malformed input file; the message names the file and line."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _number(value: str, name: str, low: int, high: int) -> int | None:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be from {low} to {high}, not {number}")
    return number


def _levels(value: str, name: str) -> dict[str, int]:
    levels = {}
    for part in _split(value):
        code, sep, level = part.partition(":")
        number = _number(level, f"{name} level of {code.strip()!r}", 1, 5) if sep else None
        if not code.strip() or number is None:
            raise ValueError(f"{name} must look like 'code:level;code:level', not {part!r}")
        levels[code.strip()] = number
    return levels


def parse_person(row: dict[str, str]) -> Person:
    """One CSV row as a Person; ValueError with a reason if a field is malformed."""
    key = (row.get("key") or "").strip()
    if not key:
        raise ValueError("key is empty")
    fields: dict[str, object] = {"key": key}
    for name in TEXTS:
        value = (row.get(name) or "").strip()
        fields[name] = value if name in ("goals", "interests") else (value or None)
    timezone = fields["timezone"]
    if timezone:
        try:
            zoneinfo.ZoneInfo(str(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {timezone!r} is not an IANA timezone name") from None
    for name in LISTS:
        values = _split(row.get(name) or "")
        wrong = sorted(set(values) - CHOICES[name]) if name in CHOICES else []
        if wrong:
            raise ValueError(f"{name} has unknown value(s) {', '.join(wrong)}")
        fields[name] = tuple(values)
    for name in SETS:
        fields[name] = frozenset(_split(row.get(name) or ""))
    fields["career_rank"] = _number(row.get("career_rank") or "", "career_rank", 0, 20)
    fields["years_in_practice"] = _number(
        row.get("years_in_practice") or "", "years_in_practice", 0, 70
    )
    fields["hours_per_month"] = _number(row.get("hours_per_month") or "", "hours_per_month", 0, 744)
    fields["capacity"] = _number(row.get("capacity") or "", "capacity", 0, 10_000) or 0
    fields["active_mentees"] = (
        _number(row.get("active_mentees") or "", "active_mentees", 0, 10_000) or 0
    )
    fields["competencies"] = _levels(row.get("competencies") or "", "competencies")
    fields["targets"] = _levels(row.get("targets") or "", "targets")
    verified = (row.get("verified") or "").strip().lower()
    if verified not in TRUE | FALSE:
        raise ValueError(f"verified must be yes or no, not {verified!r}")
    fields["verified"] = verified in TRUE
    return Person(**fields)  # type: ignore[arg-type]


def read_people(path: Path) -> list[Person]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or [])
        if "key" not in header:
            raise InputError(f"{path.name} line 1: the header has no 'key' column")
        unknown = sorted(header - COLUMNS)
        if unknown:
            raise InputError(f"{path.name} line 1: unknown column(s) {', '.join(unknown)}")
        people, seen = [], set()
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InputError(f"{path.name} line {line}: more values than columns")
            try:
                person = parse_person(row)
            except ValueError as error:
                raise InputError(f"{path.name} line {line}: {error}") from None
            if person.key in seen:
                raise InputError(f"{path.name} line {line}: duplicate key {person.key!r}")
            seen.add(person.key)
            people.append(person)
    return people


def read_preferences(
    path: Path, mentees: Population, mentors: Population
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    given_e: dict[int, list[int]] = {}
    given_m: dict[int, list[int]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if set(reader.fieldnames or []) != {"side", "person", "ranked"}:
            raise InputError(f"{path.name} line 1: the header must be side,person,ranked")
        for row in reader:
            line = reader.line_num
            side, who = (row.get("side") or "").strip(), (row.get("person") or "").strip()
            own, other, target = (
                (mentees, mentors, given_e) if side == "mentee" else (mentors, mentees, given_m)
            )
            if side not in ("mentee", "mentor"):
                raise InputError(f"{path.name} line {line}: side must be mentee or mentor")
            if who not in own.row_of:
                raise InputError(f"{path.name} line {line}: unknown {side} {who!r}")
            ranked = _split(row.get("ranked") or "")
            missing = [key for key in ranked if key not in other.row_of]
            if missing:
                raise InputError(f"{path.name} line {line}: unknown person(s) {', '.join(missing)}")
            target[own.row_of[who]] = list(dict.fromkeys(other.row_of[key] for key in ranked))
    return given_e, given_m


def stable_with_lists(
    scorer: Scorer,
    graph: sp.csr_matrix,
    caps: np.ndarray,
    given_e: dict[int, list[int]],
    given_m: dict[int, list[int]],
) -> np.ndarray:
    """Deferred acceptance with hand-made lists where given and score order elsewhere.

    Hand-made lists still pass the hard rules: a pair a rule excludes is dropped.
    """
    n_e, n_m = graph.shape
    e_lists: list[list[int]] = []
    for e in range(n_e):
        row = graph.getrow(e)
        by_score = [int(m) for m in row.indices[np.lexsort((row.indices, -row.data))]]
        if e in given_e:
            scores = scorer.pairs(np.full(len(given_e[e]), e), np.array(given_e[e], dtype=np.int64))
            by_score = [m for m, s in zip(given_e[e], scores, strict=True) if np.isfinite(s)]
        e_lists.append(by_score)
    applicants: list[list[int]] = [[] for _ in range(n_m)]
    for e, lst in enumerate(e_lists):
        for m in lst:
            applicants[m].append(e)
    m_lists: list[list[int]] = []
    for m, people in enumerate(applicants):
        if m in given_m:
            wanted = set(people)
            m_lists.append([e for e in given_m[m] if e in wanted])
        elif people:
            rows = np.array(people, dtype=np.int64)
            scores = scorer.pairs(rows, np.full(len(people), m))
            m_lists.append(rows[np.lexsort((rows, -scores))].tolist())
        else:
            m_lists.append([])
    return stable_match(Prefs.from_lists(e_lists), Prefs.from_lists(m_lists), caps)


def progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        filled = int(30 * done / max(total, 1))
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} mentees scored")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def write_result(
    out: TextIO, scorer: Scorer, assignment: np.ndarray, mode: str, labels: dict[str, str]
) -> None:
    writer = csv.writer(out)
    writer.writerow(["mentee", "mentor", "score", "reasons", "reason_codes", "mode"])
    a, b = scorer.a, scorer.b
    for e in range(a.n):
        m = int(assignment[e])
        if m < 0:
            writer.writerow([a.keys[e], "", "", "", "", mode])
            continue
        result = explain(scorer, e, m, labels=labels, top=3)
        writer.writerow(
            [
                a.keys[e],
                b.keys[m],
                f"{result.score:.4f}",
                " | ".join(r.text for r in result.reasons),
                ";".join(r.code for r in result.reasons),
                mode,
            ]
        )


def _weights(text: str) -> Weights:
    values: dict[str, float] = {}
    for part in _split(text.replace(",", ";")):
        name, _, value = part.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--weights: {part!r} is not name=number") from None
    try:
        return Weights.from_mapping(values) if values else Weights()
    except ValueError as error:
        raise InputError(f"--weights: {error}") from None


def run(args: argparse.Namespace, stderr: TextIO) -> int:
    mentee_people = read_people(Path(args.mentees))
    mentor_people = read_people(Path(args.mentors))
    encoder = Encoder(synthetic.taxonomy())
    encoder.fit_text([*mentee_people, *mentor_people])
    mentors = encoder.population(mentor_people)
    mentees = encoder.population(mentee_people)
    settings = ProgramSettings(
        format=ProgramFormat(args.format),
        weights=_weights(args.weights),
        require_verified=not args.allow_unverified,
    )
    scorer = Scorer(mentees, mentors, settings)
    large = mentees.n * mentors.n >= 10_000_000
    show = progress_bar(stderr) if (args.progress or (large and stderr.isatty())) else None
    graph = candidates(scorer, args.candidates, progress=show)
    caps = np.maximum(mentors.spare(), 0)
    if args.mode == "optimal":
        assignment = optimal_match(graph, caps, maximize_matched=args.maximize_matched)
    else:
        given_e, given_m = (
            read_preferences(Path(args.preferences), mentees, mentors)
            if args.preferences
            else ({}, {})
        )
        assignment = stable_with_lists(scorer, graph, caps, given_e, given_m)
    labels = {
        row["code"]: row["name"]
        for name in ("specialties", "professions", "competencies")
        for row in synthetic.vocabulary(name)
    }
    if args.out == "-":
        write_result(sys.stdout, scorer, assignment, args.mode, labels)
    else:
        with Path(args.out).open("w", newline="", encoding="utf-8") as handle:
            write_result(handle, scorer, assignment, args.mode, labels)
    matched = int((assignment >= 0).sum())
    stderr.write(f"{args.mode}: matched {matched} of {mentees.n} mentees\n")
    return 0


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="python -m carementor.matching.engine.cli",
        description="Match mentees with mentors from CSV files and write the assignment as CSV.",
    )
    command.add_argument("--mentees", required=True, help="CSV of mentees (one person a row)")
    command.add_argument("--mentors", required=True, help="CSV of mentors (capacity = places)")
    command.add_argument("--mode", choices=("optimal", "stable"), default="optimal")
    command.add_argument("--preferences", help="CSV side,person,ranked (stable mode)")
    command.add_argument("--out", default="-", help="output CSV file (default: standard output)")
    command.add_argument("--candidates", type=int, default=50, help="candidates kept per mentee")
    command.add_argument(
        "--maximize-matched", action="store_true", help="match the most people first"
    )
    command.add_argument("--format", choices=[f.value for f in ProgramFormat], default="one_to_one")
    command.add_argument("--weights", default="", help="e.g. specialty=0.3,goals=0.2")
    command.add_argument(
        "--allow-unverified", action="store_true", help="do not require verified mentors"
    )
    command.add_argument("--progress", action="store_true", help="always show the progress bar")
    return command


def main(argv: Sequence[str] | None = None, stderr: TextIO = sys.stderr) -> int:
    args = parser().parse_args(argv)
    if args.preferences and args.mode != "stable":
        stderr.write("error: --preferences needs --mode stable\n")
        return 2
    try:
        return run(args, stderr)
    except InputError as error:
        stderr.write(f"error: {error}\n")
        return 2
    except (FileNotFoundError, UnicodeDecodeError, csv.Error) as error:
        stderr.write(f"error: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
