"""The CSV command line: a run end to end, and malformed input named by file and line."""

import csv
import io
from pathlib import Path

import pytest

from carementor.matching.engine.cli import main

HEADER = "key,profession,profession_group,specialties,career_rank,languages,timezone,preferred_slots,meeting_formats,country,city,competencies,targets,goals,roles_offered,roles_sought,capacity,hours_per_month,supervisor,conflicts,verified\n"


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    mentees = write(
        tmp_path / "mentees.csv",
        [
            "asha,physician,medicine,paediatrics,2,en;ta,Asia/Kolkata,weekday_evening,video,IN,Chennai,research-methods:2,research-methods:4,fellowship applications in paediatric cardiology,,mentor,,,,,",
            "ravi,ayush-practitioner,ayush,,0,hi,Asia/Kolkata,weekend_morning,video;chat,IN,Jaipur,,exam-preparation:3,pass my final exams,,mentor,,,,,",
            "aisha,pharmacist,pharmacy,,4,en,Europe/London,weekday_evening,video,GB,Manchester,team-leadership:3,team-leadership:5,leadership and sponsorship,,sponsor,,,,vikram,",
        ],
    )
    mentors = write(
        tmp_path / "mentors.csv",
        [
            "vikram,physician,medicine,interventional-cardiology,5,en;mr;hi,Asia/Kolkata,weekday_evening;night,video,IN,Pune,research-methods:5,,fellowship and research mentoring in cardiology,mentor,,3,4,,,yes",
            "mary,nurse,nursing,,5,en;ml;hi,Asia/Kolkata,weekend_morning,video;chat,IN,Kochi,exam-preparation:5,,help students pass exams,mentor;coach,,1,6,,,yes",
            "tom,physician,medicine,,5,en,Europe/London,weekday_evening,video,GB,Leeds,team-leadership:5;ehr-use:5,,leadership and sponsorship for clinicians,mentor;sponsor,,2,4,,,no",
        ],
    )
    return {"mentees": mentees, "mentors": mentors, "out": tmp_path / "out.csv"}


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(args), stderr=err)
    return code, err.getvalue()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_optimal_run_writes_assignment_scores_and_reasons(files) -> None:
    code, err = run(
        "--mentees",
        str(files["mentees"]),
        "--mentors",
        str(files["mentors"]),
        "--out",
        str(files["out"]),
    )
    assert code == 0, err
    assert err == "optimal: matched 2 of 3 mentees\n"
    rows = read(files["out"])
    assert [(r["mentee"], r["mentor"], r["mode"]) for r in rows] == [
        ("asha", "vikram", "optimal"),
        ("ravi", "mary", "optimal"),
        ("aisha", "", "optimal"),  # tom is not verified; vikram is in conflict
    ]
    assert 0 < float(rows[0]["score"]) <= 1
    assert rows[0]["reasons"] == (
        "Shared goals and interests: cardiology and fellowship."
        " | Can help you grow in Research methods and study design: a level or two ahead of you."
        " | 3 career stages ahead of you."
    )
    assert rows[0]["reason_codes"] == "goals.shared;competency.zone;career.ahead"


def test_stable_run_with_hand_made_lists(files, tmp_path) -> None:
    prefs = write(
        tmp_path / "prefs.csv",
        ["mentee,asha,mary;vikram", "mentor,mary,ravi;asha"],
        header="side,person,ranked\n",
    )
    code, err = run(
        "--mentees",
        str(files["mentees"]),
        "--mentors",
        str(files["mentors"]),
        "--mode",
        "stable",
        "--preferences",
        str(prefs),
        "--allow-unverified",
        "--out",
        str(files["out"]),
        "--progress",
    )
    assert code == 0, err
    rows = {r["mentee"]: r["mentor"] for r in read(files["out"])}
    assert rows == {"asha": "vikram", "ravi": "mary", "aisha": "tom"}
    assert "mentees scored" in err


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "x,physician,medicine,,9x,,,,,,,,,,,,,,,,",
            "mentees.csv line 3: career_rank must be a whole number, not '9x'",
        ),
        (",physician,medicine,,,,,,,,,,,,,,,,,,", "mentees.csv line 3: key is empty"),
        (
            "x,,,,,,Mars/Base,,,,,,,,,,,,,,",
            "mentees.csv line 3: timezone 'Mars/Base' is not an IANA timezone name",
        ),
        (
            "x,,,,,,,lunchtime,,,,,,,,,,,,,",
            "mentees.csv line 3: preferred_slots has unknown value(s) lunchtime",
        ),
        (
            "x,,,,,,,,,,,research-methods:9,,,,,,,,,",
            "mentees.csv line 3: competencies level of 'research-methods' must be from 1 to 5, not 9",
        ),
        (
            "x,,,,,,,,,,,research-methods,,,,,,,,,",
            "mentees.csv line 3: competencies must look like 'code:level;code:level', not 'research-methods'",
        ),
        (
            "x,,,,,,,,,,,,,,,,,,,,maybe",
            "mentees.csv line 3: verified must be yes or no, not 'maybe'",
        ),
        ("asha,,,,,,,,,,,,,,,,,,,,", "mentees.csv line 3: duplicate key 'asha'"),
        ("x,,,,,,,,,,,,,,,,,,,,,extra", "mentees.csv line 3: more values than columns"),
    ],
)
def test_malformed_rows_are_named_by_line(tmp_path, files, row, message) -> None:
    first = files["mentees"].read_text(encoding="utf-8").splitlines()[1]
    bad = write(tmp_path / "mentees.csv", [first, row])
    code, err = run(
        "--mentees", str(bad), "--mentors", str(files["mentors"]), "--out", str(files["out"])
    )
    assert code == 2
    assert err == f"error: {message}\n"


def test_bad_header_and_bad_options(tmp_path, files) -> None:
    bad = write(tmp_path / "m.csv", ["a,b"], header="name,charisma\n")
    assert run("--mentees", str(bad), "--mentors", str(files["mentors"])) == (
        2,
        "error: m.csv line 1: the header has no 'key' column\n",
    )
    odd = write(tmp_path / "o.csv", ["a,1"], header="key,charisma\n")
    assert run("--mentees", str(odd), "--mentors", str(files["mentors"])) == (
        2,
        "error: o.csv line 1: unknown column(s) charisma\n",
    )
    assert run(
        "--mentees",
        str(files["mentees"]),
        "--mentors",
        str(files["mentors"]),
        "--weights",
        "charm=1",
    ) == (
        2,
        "error: --weights: unknown weight(s): charm\n",
    )
    assert run("--mentees", "missing.csv", "--mentors", str(files["mentors"]))[0] == 2
    prefs = write(tmp_path / "p.csv", ["mentee,asha,nobody"], header="side,person,ranked\n")
    assert run(
        "--mentees",
        str(files["mentees"]),
        "--mentors",
        str(files["mentors"]),
        "--preferences",
        str(prefs),
    ) == (
        2,
        "error: --preferences needs --mode stable\n",
    )
    assert run(
        "--mentees",
        str(files["mentees"]),
        "--mentors",
        str(files["mentors"]),
        "--mode",
        "stable",
        "--preferences",
        str(prefs),
    ) == (
        2,
        "error: p.csv line 2: unknown person(s) nobody\n",
    )
