"""A national programme's coordinator run on PostgreSQL: queued → draft, then publishing.

Seeds the demo population (``seed_demo``), puts every verified mentor (capacity 2) and every
other person (mentee) into one coordinator-matched programme, then times an optimal run from
queued to draft (``runs.run_execute``, as the worker would) and publishing it (the request's
whole-run check, then ``publishing.publish_execute`` as the worker would). Each size runs in
its own process on a fresh PostgreSQL database (``BENCH_PG_URL``, default
``postgres://postgres@127.0.0.1:5432/cm_publish_bench``); skipped without PostgreSQL.

    python -m benchmarks bench_publish            # every size
    python -m benchmarks.bench_publish 50000      # one size, in this process
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SIZES = (10_000, 50_000)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cm_publish_bench"


def run() -> dict[str, Any]:
    url = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    results: dict[str, Any] = {"database": "postgresql (fresh database per size)", "sizes": {}}
    for size in SIZES:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "carementor.settings",
            "DJANGO_DEBUG": "False",  # DEBUG would keep every query in memory
            "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        }
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "benchmarks.bench_publish", str(size)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode:
            results["sizes"][str(size)] = {"error": completed.stderr.strip()[-500:]}
            continue
        results["sizes"][str(size)] = json.loads(completed.stdout.strip().splitlines()[-1])
        print(f"# publish {size}: {results['sizes'][str(size)]}", file=sys.stderr)
    return results


def _fresh_database() -> None:
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    admin = {k: v for k, v in settings.DATABASES["default"].items() if k in ("HOST", "PORT")}
    with psycopg.connect(
        host=admin.get("HOST") or "127.0.0.1",
        port=admin.get("PORT") or 5432,
        user=settings.DATABASES["default"].get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _national_programme(coordinator: Any) -> Any:
    from carementor.accounts.models import User
    from carementor.credentials.models import Credential
    from carementor.organizations.models import Organization
    from carementor.programs.models import Enrollment, Program

    organization = Organization.objects.order_by("pk").first()
    program = Program.objects.create(
        organization=organization,
        name="National mentoring programme",
        status=Program.Status.PUBLISHED,
        matching_mode="coordinator",
        verification_kind="licence",
    )
    program.partner_organizations.set(Organization.objects.exclude(pk=organization.pk))
    verified = set(
        Credential.objects.filter(status=Credential.Status.VERIFIED).values_list(
            "holder_id", flat=True
        )
    )
    rows = []
    for user_id in User.objects.filter(is_active=True).values_list("pk", flat=True):
        if user_id == coordinator.pk:
            continue
        mentor = user_id in verified
        rows.append(
            Enrollment(
                program=program,
                user_id=user_id,
                role="mentor" if mentor else "mentee",
                capacity=2 if mentor else 0,
                status=Enrollment.Status.APPROVED,
            )
        )
    Enrollment.objects.bulk_create(rows, batch_size=5000)
    return program


def _measure(size: int) -> dict[str, Any]:
    import django

    django.setup()
    _fresh_database()
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    call_command("migrate", verbosity=0)
    from carementor.demo.seed import seed_demo

    started = time.perf_counter()
    seed_demo(users=size)
    seed_seconds = time.perf_counter() - started

    from carementor.accounts.models import User
    from carementor.matching import publishing, runs
    from carementor.matching.models import MatchRun
    from carementor.mentorships.models import Mentorship

    coordinator = User.objects.filter(is_superuser=False).order_by("pk").first()
    program = _national_programme(coordinator)
    mentors = program.enrollments.filter(role="mentor").count()
    mentees = program.enrollments.filter(role="mentee").count()
    from django.urls import reverse

    reverse("programs:detail", args=["warm"])  # a long-lived worker has its URLconf loaded
    runs.INLINE_PAIRS = 0  # always queued, as at national size
    run = runs.run_start(program=program, actor=coordinator, mode="optimal")
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    cpu = time.process_time()
    runs.run_execute(run.pk)  # what the worker does with the queued run
    draft_seconds = time.perf_counter() - started
    draft_cpu = time.process_time() - cpu
    run.refresh_from_db()
    proposals = run.proposals.count()
    runs.INLINE_PUBLISH = 0  # always in the background
    started = time.perf_counter()
    cpu = time.process_time()
    run = runs.run_publish(run=run, actor=coordinator)
    check_seconds = time.perf_counter() - started
    publishing.publish_execute(run.pk)  # what the worker does
    publish_seconds = time.perf_counter() - started
    publish_cpu = time.process_time() - cpu
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED, run.status
    return {
        "people": size,
        "mentors": mentors,
        "mentees": mentees,
        "seed_seconds": round(seed_seconds, 1),
        "queued_to_draft_seconds": round(draft_seconds, 2),
        "queued_to_draft_cpu_seconds": round(draft_cpu, 2),
        "engine_seconds": run.stats.get("seconds"),
        "proposals": proposals,
        "publish_check_seconds": round(check_seconds, 2),
        "publish_seconds": round(publish_seconds, 2),
        "publish_cpu_seconds": round(publish_cpu, 2),
        "mentorships": Mentorship.objects.filter(program=program).count(),
        "skipped": run.stats.get("skipped"),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


if __name__ == "__main__":
    print(json.dumps(_measure(int(sys.argv[1]))))
