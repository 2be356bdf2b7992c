"""Coordinators build, version and import instruments; answered ones are never rewritten."""

import io
import json

import pytest
from openpyxl import Workbook

from carementor.audit.models import AuditEvent
from carementor.evaluations import services
from carementor.evaluations.models import Instrument, ScheduleEntry
from carementor.evaluations.services import EvaluationError
from carementor.evaluations.tests.core_helpers import assign, full_answers, library
from carementor.mentorships.tests.helpers import make_program

pytestmark = pytest.mark.django_db

DEFINITION = {
    "name": "Ward confidence check",
    "anonymity": "named",
    "respondent": "mentee",
    "domains": [{"key": "confidence", "label": "Confidence", "area": "practice"}],
    "items": [
        {"key": "c1", "text": "I feel ready for night shifts.", "domain": "confidence"},
        {
            "key": "c2",
            "text": "I dread handover.",
            "domain": "confidence",
            "reverse": True,
            "points": 7,
        },
        {
            "key": "hours",
            "text": "Hours of study a week",
            "scale": "numeric",
            "min_value": 0,
            "max_value": 40,
        },
        {"key": "note", "text": "Anything else?", "scale": "text", "required": False},
    ],
}


def test_a_coordinator_builds_an_instrument(hospital, coordinator):
    data = services.clean_instrument_data(DEFINITION)
    instrument = services.instrument_create(organization=hospital, user=coordinator, data=data)
    assert instrument.licence_status == "own" and instrument.version == 1
    assert [i.key for i in instrument.items.all()] == ["c1", "c2", "hours", "note"]
    c2 = instrument.items.get(key="c2")
    assert (c2.points, c2.reverse) == (7, True)
    assert instrument.items.get(key="note").domain == ""
    assert AuditEvent.objects.filter(action="instrument.created").count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"anonymity": "secret"},
        {"items": []},
        {"domains": [{"key": "x", "label": "X", "area": "nonsense"}]},
        {"items": [{"key": "a", "text": "Q", "domain": "unknown"}]},
        {"items": [{"key": "a", "text": "Q", "scale": "numeric"}]},
        {"items": [{"key": "a", "text": "Q", "scale": "text", "reverse": True}]},
        {"items": [{"key": "a", "text": "Q", "points": 20}]},
        {"items": [{"key": "a", "text": "Q"}, {"key": "a", "text": "R"}]},
    ],
)
def test_invalid_definitions_are_refused_with_every_error(change):
    with pytest.raises(EvaluationError) as err:
        services.clean_instrument_data({**DEFINITION, **change})
    assert err.value.status == 422 and err.value.errors


def test_an_answered_instrument_is_locked_and_versioned(hospital, coordinator, mentee):
    program = make_program(hospital)
    data = services.clean_instrument_data(DEFINITION)
    instrument = services.instrument_create(organization=hospital, user=coordinator, data=data)
    ScheduleEntry.objects.create(
        program=program, instrument=instrument, occasion="baseline", role="mentee"
    )
    assignment = assign(mentee, program, "mentee-outcomes")
    assignment.instrument = instrument
    assignment.save()
    services.response_submit(
        assignment=assignment, user=mentee, answers={"c1": 4, "c2": 2, "hours": 5}
    )
    assert instrument.is_locked()
    with pytest.raises(EvaluationError) as err:
        services.instrument_update(instrument=instrument, user=coordinator, data=data)
    assert err.value.code == "locked"
    copy = services.instrument_new_version(instrument=instrument, user=coordinator)
    assert (copy.slug, copy.version, copy.replaces) == (instrument.slug, 2, instrument)
    assert copy.items.count() == 4 and not copy.is_locked()
    instrument.refresh_from_db()
    assert not instrument.is_active
    assert ScheduleEntry.objects.get(program=program).instrument == copy
    # The old version and its items stay as answered.
    assert instrument.items.count() == 4 and instrument.responses.count() == 1


def test_shipped_instruments_are_copied_not_changed(hospital, coordinator):
    shipped = library("mentee-outcomes")
    data = services.clean_instrument_data(DEFINITION)
    with pytest.raises(EvaluationError) as err:
        services.instrument_update(instrument=shipped, user=coordinator, data=data)
    assert err.value.status == 403
    copy = services.instrument_new_version(
        instrument=shipped, user=coordinator, organization=hospital
    )
    assert copy.organization == hospital and copy.items.count() == shipped.items.count()
    assert Instrument.objects.library().get(slug="mentee-outcomes").is_active


def test_import_needs_the_permission_declaration_and_a_source(hospital, coordinator):
    with pytest.raises(EvaluationError) as err:
        services.instrument_import(
            organization=hospital,
            user=coordinator,
            definition=DEFINITION,
            permission_declared=False,
            source="Smith 2020, licence 42",
        )
    assert err.value.errors[0]["loc"] == ["permission_declared"]
    with pytest.raises(EvaluationError):
        services.instrument_import(
            organization=hospital,
            user=coordinator,
            definition=DEFINITION,
            permission_declared=True,
            source="  ",
        )
    assert not Instrument.objects.filter(organization=hospital).exists()
    instrument = services.instrument_import(
        organization=hospital,
        user=coordinator,
        definition=DEFINITION,
        permission_declared=True,
        source="Smith 2020, licence 42",
    )
    assert instrument.licence_status == "permission"
    assert instrument.source == "Smith 2020, licence 42"
    event = AuditEvent.objects.get(action="instrument.imported")
    assert event.detail["permission_declared"] is True


def test_own_instruments_cannot_claim_permission_without_the_declaration(hospital, coordinator):
    data = services.clean_instrument_data({**DEFINITION, "licence_status": "permission"})
    with pytest.raises(EvaluationError):
        services.instrument_create(organization=hospital, user=coordinator, data=data)


CSV = (
    "key,text,domain,domain_label,area,scale,points,labels,reverse,required\n"
    "s1,I feel supported,support,Support,support,likert,4,Never|Sometimes|Often|Always,,yes\n"
    "s2,I feel alone,support,Support,support,likert,4,Never|Sometimes|Often|Always,yes,yes\n"
    "t1,Comments,,,,text,,,,no\n"
)


def test_parse_csv_and_xlsx_tables():
    parsed = services.parse_instrument_file("scale.csv", CSV.encode())
    data = services.clean_instrument_data({**parsed, "name": "Licensed support scale"})
    assert [d["key"] for d in data.domains] == ["support"]
    assert data.items[1]["reverse"] and data.items[1]["labels"][-1] == "Always"
    assert data.items[2]["scale"] == "text" and not data.items[2]["required"]

    book = Workbook()
    sheet = book.active
    for line in CSV.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = services.parse_instrument_file("scale.xlsx", buffer.getvalue())
    assert len(parsed["items"]) == 3

    parsed = services.parse_instrument_file("scale.json", json.dumps(DEFINITION).encode())
    assert parsed["name"] == DEFINITION["name"]


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.json", b"{not json"), ("x.json", b"[1, 2]"), ("x.xlsx", b"not a zip"), ("x.pdf", b"%PDF")],
)
def test_unreadable_files_are_422(name, content):
    with pytest.raises(EvaluationError) as err:
        services.parse_instrument_file(name, content)
    assert err.value.status == 422


def test_schedule_rejects_wrong_roles_and_foreign_instruments(
    hospital, trust, coordinator, outsider
):
    program = make_program(hospital)
    foreign = services.instrument_create(
        organization=trust, user=outsider, data=services.clean_instrument_data(DEFINITION)
    )
    bad = [
        services.EntryData(
            instrument=library("mentor-competency-self"), occasion="baseline", role="mentee"
        ),
        services.EntryData(
            instrument=library("mentor-competency-rating"), occasion="closure", role="mentor"
        ),
        services.EntryData(
            instrument=library("mentee-outcomes"),
            occasion="follow_up",
            role="mentee",
            months_after=0,
        ),
        services.EntryData(instrument=foreign, occasion="baseline", role="mentee"),
    ]
    for entry in bad:
        with pytest.raises(EvaluationError):
            services.schedule_replace(program=program, user=coordinator, entries=[entry])
    assert not ScheduleEntry.objects.exists()
    assert full_answers(library("meeting-pulse"))
