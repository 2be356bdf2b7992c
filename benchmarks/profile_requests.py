"""CPU and SQL queries per request on the load test's paths, in-process.

Not a ``bench_*`` module, so ``make bench`` does not run it: point it at a database seeded with
``seed_demo --users N --national`` and it prints, as JSON, for each path of the load test's
API and page mixes (``benchmarks/locust_product.py``): the median and p95 of this process's CPU
milliseconds per request (the database server's time is not included), the wall milliseconds,
the SQL queries of one request and the status code. Requests go through Django's test client
with production settings (``DJANGO_DEBUG=False``, ``secure=True`` because production redirects
plain HTTP to https), so the layout, middleware and token authentication all run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cm_x python -m benchmarks.profile_requests
    ... python -m benchmarks.profile_requests --reps 50 --only mentorships,dashboard

The first requests of each path warm the caches (the cache is the process's memory unless
REDIS_URL is set) and are not counted. It creates personal access tokens named ``profile``
for the sampled mentees (replacing earlier ones) and bookmarks mentors, as the load test does.
"""

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

MANAGER = "rohan@example.org"
SAMPLE_MENTEES = 10
ZONES = ("Asia/Kolkata", "Europe/London")


def _environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _setup() -> dict[str, Any]:
    from django.db.models import Q

    from carementor.accounts.models import PersonalAccessToken, User
    from carementor.accounts.services import token_create
    from carementor.demo.national import national_program
    from carementor.matching.suggestions import mentor_enrollments
    from carementor.organizations.models import Organization
    from carementor.programs.models import Enrollment

    organizations = {o.slug: o for o in Organization.objects.all()}
    program = national_program(organizations)
    if program is None:
        sys.exit("No national programme: seed the database with seed_demo --users N --national.")
    PersonalAccessToken.objects.filter(name="profile").delete()
    mentees = list(
        User.objects.filter(
            enrollments__program=program,
            enrollments__role=Enrollment.Role.MENTEE,
            email__regex=r"@(indus-ims|pennine-nhs|vembanad-nursing)\.",
        )
        .exclude(Q(mentorship_parties__mentorship__program=program))
        .order_by("pk")[:SAMPLE_MENTEES]
    )
    mentors = list(
        mentor_enrollments(program).order_by("user_id").values_list("user__code", flat=True)[:50]
    )
    return {
        "program": program.code,
        "organization": program.organization.code,
        "manager": User.objects.get(email=MANAGER),
        "mentees": [(user, token_create(user, "profile")[1]) for user in mentees],
        "mentors": mentors,
        "people": User.objects.count(),
    }


def _plan(setup: dict[str, Any]) -> dict[str, Callable[[int], Any]]:
    from django.test import Client

    program, organization = setup["program"], setup["organization"]
    api_clients = []
    page_clients = []
    for user, token in setup["mentees"]:
        api_clients.append(Client(HTTP_AUTHORIZATION=f"Bearer {token}"))
        page = Client()
        page.force_login(user)
        page_clients.append(page)
    manager = Client()
    manager.force_login(setup["manager"])
    mentors: Iterator[str] = itertools.cycle(setup["mentors"] or [""])

    def api(i: int) -> Any:
        return api_clients[i % len(api_clients)]

    def page(i: int) -> Any:
        return page_clients[i % len(page_clients)]

    json_type = "application/json"
    return {
        "api suggestions": lambda i: api(i).get(
            f"/api/v1/programs/{program}/suggestions", secure=True
        ),
        "api mentorships": lambda i: api(i).get("/api/v1/mentorships", secure=True),
        "api notifications": lambda i: api(i).get("/api/v1/notifications", secure=True),
        "api program": lambda i: api(i).get(f"/api/v1/programs/{program}", secure=True),
        "api bookmark (write)": lambda i: api(i).post(
            f"/api/v1/programs/{program}/suggestions/{next(mentors)}/mark",
            data=json.dumps({"kind": "bookmark"}),
            content_type=json_type,
            secure=True,
        ),
        "api me (write)": lambda i: api(i).patch(
            "/api/v1/me",
            data=json.dumps({"timezone": ZONES[i % 2]}),
            content_type=json_type,
            secure=True,
        ),
        "page home (redirects)": lambda i: page(i).get("/", secure=True),
        "page dashboard": lambda i: page(i).get("/dashboard/", secure=True),
        "page programme": lambda i: page(i).get(f"/programs/{program}/", secure=True),
        "page find a mentor": lambda i: page(i).get(f"/programs/{program}/mentors/", secure=True),
        "page mentorships": lambda i: page(i).get("/mentorships/", secure=True),
        "page oversight (coordinator)": lambda i: manager.get(
            f"/mentorships/oversee/{organization}/", secure=True
        ),
    }


def measure(
    call: Callable[[int], Any], reps: int, warm: int, show_sql: bool = False
) -> dict[str, Any]:
    from django.db import connections

    count = [0]
    last: list[str] = []

    def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        count[0] += 1
        last.append(sql)
        return execute(sql, params, many, ctx)

    for i in range(warm):
        call(i)
    cpu: list[float] = []
    wall: list[float] = []
    queries: list[int] = []
    status = 0
    with connections["default"].execute_wrapper(counter):
        for i in range(warm, warm + reps):
            count[0] = 0
            last.clear()
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            response = call(i)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
            queries.append(count[0])
            status = response.status_code
    if show_sql:
        for sql in last:
            print(f"#     {sql[:160]}", file=sys.stderr)
    return {
        "cpu_ms_p50": round(statistics.median(cpu), 2),
        "cpu_ms_p95": round(_percentile(cpu, 0.95), 2),
        "wall_ms_p50": round(statistics.median(wall), 2),
        "queries": max(queries),
        "queries_min": min(queries),
        "status": status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_requests")
    parser.add_argument("--reps", type=int, default=30, help="measured requests per path")
    parser.add_argument("--warm", type=int, default=SAMPLE_MENTEES, help="unmeasured first")
    parser.add_argument("--sql", action="store_true", help="print the last request's SQL")
    parser.add_argument("--only", default="", help="comma-separated substrings of path names")
    args = parser.parse_args()
    _environment()
    import django

    django.setup()
    from django.core.management import call_command

    # Production pages link hashed static files from collectstatic's manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    setup = _setup()
    only = [part.strip() for part in args.only.split(",") if part.strip()]
    found: dict[str, Any] = {}
    for name, call in _plan(setup).items():
        if only and not any(part in name for part in only):
            continue
        found[name] = measure(call, args.reps, args.warm, args.sql)
        print(f"# {name}: {found[name]}", file=sys.stderr)
    print(json.dumps({"people": setup["people"], "paths": found}, indent=2))


if __name__ == "__main__":
    main()
