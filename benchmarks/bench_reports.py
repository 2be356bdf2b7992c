"""Oversight, completion and the outcome report at national size, on PostgreSQL.

Builds (once, by bulk inserts; reused when it is already there) one organization with a
national programme: N people (default 100,000; 20% mentors), everybody enrolled, half of the
mentees in a mentorship (phases mixed, agreements, meetings, action items, a few help
requests), and 10,000 mentees' baseline and closure answers to the outcome survey plus their
relationship survey. Then, as a signed-in coordinator through Django's test client (the
whole request: middleware, gate, queries, template or serializer), it times:

- the oversight API (`/api/v1/mentorships/oversee/<org>`): page 1, at-risk only, a deep page;
- the oversight page (`/mentorships/oversee/<org>/`);
- the completion API and page of the programme;
- the outcome report: analytics, report building and the PDF (WeasyPrint + matplotlib).

Every figure comes with the 1-minute load average when it was taken (the machine is shared).

Run alone:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_oversight_bench \\
            .venv/bin/python -m benchmarks.bench_reports [people]
or through `make bench` / `python -m benchmarks reports` (which runs it in a subprocess on
BENCH_DATABASE_URL, default the database above). BENCH_QUICK=1 uses 10,000 people.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cm_oversight_bench"
ORG_SLUG = "bench-national"
RESPONDENTS = 10_000
REPEAT = 25
REPORT_REPEAT = int(os.environ.get("BENCH_REPORT_REPEAT", "10"))


def run() -> dict[str, Any]:
    people = 10_000 if os.environ.get("BENCH_QUICK") == "1" else 100_000
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        "DJANGO_SETTINGS_MODULE": "carementor.settings",
        "DJANGO_DEBUG": "False",  # DEBUG would keep every query in memory
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40
        ),
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
    }
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.bench_reports", str(people)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _timed(call: Any, repeat: int = REPEAT) -> dict[str, Any]:
    call()  # warm up (session, caches, plans)
    seconds = []
    loads = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        seconds.append(time.perf_counter() - started)
        loads.append(os.getloadavg()[0])
        status = getattr(response, "status_code", 200)
        assert status == 200, status
    seconds.sort()
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] * 1000, 1),
        "max_ms": round(seconds[-1] * 1000, 1),
        "n": repeat,
        "load_1min": round(statistics.mean(loads), 2),
    }


def _build(people: int) -> dict[str, Any]:
    import datetime
    import random

    from allauth.mfa.models import Authenticator
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from carementor.accounts.models import User
    from carementor.lib.codes import new_code
    from carementor.lib.testing import add_member
    from carementor.mentorships.models import (
        ActionItem,
        Agreement,
        HelpRequest,
        Meeting,
        MeetingStatus,
        Mentorship,
        MentorshipParty,
        Phase,
        Signature,
    )
    from carementor.organizations.models import Organization
    from carementor.programs.models import Enrollment, Program

    started = time.perf_counter()
    rng = random.Random(12)
    now = timezone.now()
    day = datetime.timedelta(days=1)
    batch = 5000
    with transaction.atomic():
        organization = Organization.objects.create(
            name="National benchmark service", slug=ORG_SLUG, kind="hospital", country="IN"
        )
        program = Program.objects.create(
            organization=organization,
            name="National mentoring",
            status=Program.Status.PUBLISHED,
            meeting_cadence_days=30,
        )
        coordinator = User.objects.create_user(
            email="bench-coordinator@example.org", password=None, full_name="Bench Coordinator"
        )
        add_member(coordinator, organization, "coordinator")
        Authenticator.objects.get_or_create(
            user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        unusable = make_password(None)
        users = [
            User(
                code=new_code(),
                email=f"bench{i}@example.org",
                full_name=f"Person {rng.randrange(10**6):06d} {i}",
                password=unusable,
            )
            for i in range(people)
        ]
        User.objects.bulk_create(users, batch_size=batch)
        ids = list(
            User.objects.filter(email__startswith="bench", email__endswith="@example.org")
            .exclude(pk=coordinator.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        mentors = ids[: people // 5]
        mentees = ids[people // 5 :]
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    code=new_code(),
                    program=program,
                    user_id=pk,
                    role="mentor" if i < len(mentors) else "mentee",
                    status=Enrollment.Status.APPROVED,
                )
                for i, pk in enumerate(ids)
            ],
            batch_size=batch,
        )
        paired = mentees[: len(mentees) // 2]
        phases = [str(Phase.ACTIVE)] * 6 + [
            str(p) for p in (Phase.AGREEING, Phase.PROPOSED, Phase.CLOSED, Phase.CLOSING)
        ]
        mentorships = []
        for i, _mentee in enumerate(paired):
            phase = phases[i % len(phases)]
            created = now - rng.randrange(10, 400) * day
            activated = (
                created + 5 * day if phase in (Phase.ACTIVE, Phase.CLOSING, Phase.CLOSED) else None
            )
            mentorships.append(
                Mentorship(
                    code=new_code(),
                    program=program,
                    organization=organization,
                    role="mentor",
                    source="match_run",
                    phase=phase,
                    created_at=created,
                    activated_at=activated,
                    closed_at=now - day if phase == Phase.CLOSED else None,
                    last_meeting_at=(now - rng.randrange(1, 90) * day)
                    if activated and i % 3
                    else None,
                )
            )
        Mentorship.objects.bulk_create(mentorships, batch_size=batch)
        rows = list(
            Mentorship.objects.filter(program=program).order_by("pk").values_list("pk", "phase")
        )
        parties, agreements, meetings, items, helps = [], [], [], [], []
        for (pk, row_phase), mentee in zip(rows, paired, strict=True):
            mentor = mentors[pk % len(mentors)]
            parties.append(MentorshipParty(mentorship_id=pk, user_id=mentee, role="mentee"))
            parties.append(MentorshipParty(mentorship_id=pk, user_id=mentor, role="mentor"))
            agreements.append(
                Agreement(
                    code=new_code(),
                    mentorship_id=pk,
                    version=1,
                    effective_at=None if row_phase in (Phase.PROPOSED, Phase.AGREEING) else now,
                )
            )
            if row_phase in (Phase.ACTIVE, Phase.CLOSING, Phase.CLOSED):
                for k in range(pk % 4):
                    meetings.append(
                        Meeting(
                            code=new_code(),
                            mentorship_id=pk,
                            starts_at=now - (k + 1) * 20 * day,
                            status=MeetingStatus.HELD,
                        )
                    )
                for k in range(pk % 5):
                    items.append(
                        ActionItem(
                            code=new_code(),
                            mentorship_id=pk,
                            title=f"Action {k}",
                            owner_id=mentee,
                            due_on=(now - (k - 2) * 7 * day).date(),
                        )
                    )
            if pk % 97 == 0:
                helps.append(HelpRequest(mentorship_id=pk, requested_by_id=mentee))
        MentorshipParty.objects.bulk_create(parties, batch_size=batch)
        Agreement.objects.bulk_create(agreements, batch_size=batch)
        Meeting.objects.bulk_create(meetings, batch_size=batch)
        ActionItem.objects.bulk_create(items, batch_size=batch)
        HelpRequest.objects.bulk_create(helps, batch_size=batch)
        signed = Agreement.objects.filter(
            mentorship__program=program, effective_at__isnull=False
        ).values_list("pk", "mentorship_id")
        by_mentorship: dict[int, list[int]] = {p.mentorship_id: [] for p in parties}
        for party in parties:
            by_mentorship[party.mentorship_id].append(party.user_id)
        Signature.objects.bulk_create(
            [
                Signature(agreement_id=a, signer_id=user)
                for a, m in signed
                for user in by_mentorship[m]
            ],
            batch_size=batch,
        )
        responses = _answers(program, paired[:RESPONDENTS], now)
    return {
        "people": people,
        "mentorships": len(rows),
        "meetings": len(meetings),
        "action_items": len(items),
        "responses": responses,
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def _answers(program: Any, mentees: list[int], now: Any) -> int:
    """Baseline and closure outcome answers and a relationship survey from each mentee,
    written like the demo (with its score model), by bulk insert."""
    import random

    from carementor.demo.evaluations import _answers as item_answers
    from carementor.demo.evaluations import _Batch
    from carementor.evaluations.models import Instrument, Occasion, Role

    library = {
        i.slug: i for i in Instrument.objects.library().filter(version=1).prefetch_related("items")
    }
    outcomes = library["mentee-outcomes"]
    relationship = library.get("relationship-quality")
    rng = random.Random(7)
    outcome_items = list(outcomes.items.all())
    relationship_items = list(relationship.items.all()) if relationship is not None else []
    batch = _Batch(program, ORG_SLUG)
    datetime_now = now.replace(microsecond=0)
    from datetime import timedelta

    for i, user_id in enumerate(mentees):
        cohort = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")[i % 4]
        level = {area: 3.0 + rng.gauss(0, 0.6) for area in ("practice", "wellbeing", "development")}
        gain = {area: 0.4 + rng.gauss(0, 0.3) for area in level}
        for occasion, shift, opens in (
            (Occasion.BASELINE, 0.0, datetime_now - timedelta(days=300)),
            (Occasion.CLOSURE, 1.0, datetime_now - timedelta(days=30)),
        ):
            true = {
                d["key"]: level.get(d.get("area", ""), 3.5) + shift * gain.get(d.get("area", ""), 0)
                for d in outcomes.domains or []
            }
            batch.survey(
                instrument=outcomes,
                occasion=occasion,
                user_id=user_id,
                role=Role.MENTEE,
                opens=opens - timedelta(days=i % 60),
                answers=item_answers(outcome_items, true, rng),
                cohort=cohort,
            )
        if relationship is not None:
            true = {d["key"]: 3.5 + rng.gauss(0, 0.7) for d in relationship.domains or []}
            batch.survey(
                instrument=relationship,
                occasion=Occasion.CLOSURE,
                user_id=user_id,
                role=Role.MENTEE,
                opens=datetime_now - timedelta(days=40 + i % 60),
                answers=item_answers(relationship_items, true, rng),
                cohort=cohort,
            )
    return batch.save()


def _measure(people: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from carementor.accounts.models import User
    from carementor.organizations.models import Organization
    from carementor.programs.models import Program

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug=ORG_SLUG).exists():
        built = _build(people)
    else:
        built = {"people": User.objects.filter(email__startswith="bench").count(), "reused": True}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh bulk inserts: give the planner statistics
            cursor.execute("ANALYZE")
    print(f"# built {built}", file=sys.stderr)
    organization = Organization.objects.get(slug=ORG_SLUG)
    program = Program.objects.get(organization=organization)
    coordinator = User.objects.get(email="bench-coordinator@example.org")
    client = Client()
    client.force_login(coordinator)
    org, code = organization.code, program.code
    figures: dict[str, Any] = {"fixtures": built}
    paths = {
        "oversight_api": f"/api/v1/mentorships/oversee/{org}",
        "oversight_api_at_risk": f"/api/v1/mentorships/oversee/{org}?at_risk=true",
        "oversight_api_page_400": f"/api/v1/mentorships/oversee/{org}?page=400",
        "oversight_page": f"/mentorships/oversee/{org}/",
        "oversight_page_at_risk": f"/mentorships/oversee/{org}/?at_risk=1",
        "completion_api": f"/api/v1/certificates/programs/{code}/completion",
        "completion_api_offset_50000": (
            f"/api/v1/certificates/programs/{code}/completion?offset=50000"
        ),
        "completion_page": f"/certificates/programs/{code}/completion/",
    }
    for name, path in paths.items():
        figures[name] = _timed(lambda path=path: client.get(path))
        print(f"# {name}: {figures[name]}", file=sys.stderr)
    figures["report"] = _report(program)
    return figures


def _report(program: Any) -> dict[str, Any]:
    """The outcome report of 10,000 respondents: the page's work (analytics, then the report
    with SVG charts) and the PDF's (analytics, the report with PNG charts, WeasyPrint), each
    split into its phases."""
    from carementor.evaluations import analytics, charts, reports
    from carementor.evaluations.pdf import report_pdf

    page: dict[str, list[float]] = {"analytics": [], "build": [], "total": []}
    pdf: dict[str, list[float]] = {"analytics": [], "build": [], "render": [], "total": []}
    loads = []
    size = responses = 0
    for run in range(REPORT_REPEAT + 1):
        started = time.perf_counter()
        found = analytics.program_analytics(program)
        analysed = time.perf_counter()
        reports.build_report(found)
        built = time.perf_counter()
        if run:  # the first run warms caches and imports
            page["analytics"].append(analysed - started)
            page["build"].append(built - analysed)
            page["total"].append(built - started)
        started = time.perf_counter()
        found = analytics.program_analytics(program)
        analysed = time.perf_counter()
        with charts.raster():
            report = reports.build_report(found)
        built = time.perf_counter()
        size = len(report_pdf(report))
        done = time.perf_counter()
        if run:
            pdf["analytics"].append(analysed - started)
            pdf["build"].append(built - analysed)
            pdf["render"].append(done - built)
            pdf["total"].append(done - started)
            loads.append(os.getloadavg()[0])
        responses = found.responses
    return {
        "respondents": RESPONDENTS,
        "responses": responses,
        "page": {f"{k}_s": _percentiles(v) for k, v in page.items()},
        "pdf": {f"{k}_s": _percentiles(v) for k, v in pdf.items()},
        "pdf_bytes": size,
        "load_1min": round(statistics.mean(loads), 2),
    }


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")
    print(json.dumps(_measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
