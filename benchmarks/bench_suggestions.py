"""Suggestions at national size: one programme of N mentors and 4N mentees, on PostgreSQL.

    DATABASE_URL=postgres://…/cm_bench DJANGO_DEBUG=True \
        python -m benchmarks.bench_suggestions [--mentors 20000] [--requests 100]

Seeds the programme with bulk inserts (once: it is reused while it has the wanted size), then
measures, in-process through Django's test client (the whole request: middleware, gate,
pool, guard, serializer or template), the suggestions API without and with filters and the
"Find a mentor" page, for random mentees: p50/p95 in milliseconds, queries per request, the
cold pool build, and the load average. `run()` is what `make bench` calls (a smaller size
unless BENCH_SUGGESTIONS_MENTORS is set).
"""

import argparse
import json
import os
import random
import statistics
import time
from typing import Any

MENTEES_PER_MENTOR = 4
WORDS = [
    "research",
    "leadership",
    "cardiology",
    "paediatrics",
    "teaching",
    "quality",
    "safety",
    "telehealth",
    "ehr",
    "informatics",
    "surgery",
    "nursing",
    "midwifery",
    "pharmacy",
    "oncology",
    "career",
    "fellowship",
    "exams",
    "wellbeing",
    "simulation",
    "audit",
    "publishing",
    "grants",
    "rural",
    "community",
    "digital",
    "ai",
    "data",
    "management",
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")
    os.environ.setdefault("DJANGO_DEBUG", "True")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed(mentors: int) -> Any:
    """The benchmark programme with `mentors` verified mentors and four times as many mentees."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from carementor.accounts.models import User
    from carementor.credentials.models import Credential
    from carementor.lib.codes import new_code
    from carementor.organizations.models import Membership, Organization
    from carementor.profiles.models import (
        CareerStage,
        Competency,
        Language,
        Profession,
        Profile,
        ProfileCompetency,
        Specialty,
    )
    from carementor.programs.models import Enrollment, Program

    call_command("migrate", verbosity=0)
    name = f"National suggestions bench {mentors}"
    program = Program.objects.filter(name=name).first()
    if program is not None:
        return program
    rng = random.Random(7)
    organization, _created = Organization.objects.get_or_create(
        slug="bench-national", defaults={"name": "National bench", "country": "IN"}
    )
    program = Program.objects.create(
        organization=organization,
        name=name,
        status=Program.Status.PUBLISHED,
        verification_kind="licence",
        max_open_requests=3,
    )
    professions = list(Profession.objects.filter(is_clinical=True))
    stages = list(CareerStage.objects.all())
    specialties = list(Specialty.objects.values_list("pk", flat=True))
    languages = list(Language.objects.filter(code__in=["en", "hi", "ta", "te", "bn", "mr"]))
    competencies = list(Competency.objects.values_list("pk", flat=True))
    slots = ["weekday_morning", "weekday_evening", "weekend_morning", "night"]
    formats = ["video", "phone", "in_person", "chat"]
    password = make_password(None)
    total = mentors * (1 + MENTEES_PER_MENTOR)
    tag = new_code(6)
    now = timezone.now()
    with transaction.atomic():
        User.objects.bulk_create(
            (
                User(
                    email=f"bench-{tag}-{i}@example.org",
                    full_name=f"Bench Person {i}",
                    password=password,
                    timezone="Asia/Kolkata",
                )
                for i in range(total)
            ),
            batch_size=5000,
        )
        ids = list(
            User.objects.filter(email__startswith=f"bench-{tag}-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        mentor_ids, mentee_ids = ids[:mentors], ids[mentors:]
        Membership.objects.bulk_create(
            (Membership(user_id=u, organization=organization) for u in ids), batch_size=5000
        )
        Profile.objects.bulk_create(
            (
                Profile(
                    user_id=u,
                    profession=rng.choice(professions),
                    career_stage=rng.choice(stages[3:] if i < mentors else stages[:4]),
                    years_in_practice=rng.randint(0, 30),
                    goals=" ".join(rng.sample(WORDS, 5)),
                    interests=" ".join(rng.sample(WORDS, 3)),
                    preferred_slots=rng.sample(slots, 2),
                    meeting_formats=rng.sample(formats, 2),
                    roles_offered=["mentor"] if i < mentors else [],
                    roles_sought=[] if i < mentors else ["mentor"],
                    hours_per_month=rng.randint(1, 8),
                )
                for i, u in enumerate(ids)
            ),
            batch_size=5000,
        )
        profiles = dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "pk"))
        through_s = Profile.specialties.through
        through_l = Profile.languages.through
        through_s.objects.bulk_create(
            (
                through_s(profile_id=profiles[u], specialty_id=s)
                for u in ids
                for s in rng.sample(specialties, 2)
            ),
            batch_size=10000,
        )
        through_l.objects.bulk_create(
            (
                through_l(profile_id=profiles[u], language_id=lang.pk)
                for u in ids
                for lang in rng.sample(languages, 2)
            ),
            batch_size=10000,
        )
        rows = []
        for i, u in enumerate(ids):
            for c in rng.sample(competencies, 3):
                level = rng.randint(3, 5) if i < mentors else rng.randint(1, 3)
                target = None if i < mentors else min(5, level + 2)
                rows.append(
                    ProfileCompetency(
                        profile_id=profiles[u], competency_id=c, level=level, target_level=target
                    )
                )
        ProfileCompetency.objects.bulk_create(rows, batch_size=10000)
        Credential.objects.bulk_create(
            (
                Credential(
                    holder_id=u,
                    organization=organization,
                    scheme="gb_gmc",
                    number=str(3_000_000 + i),
                    status=Credential.Status.VERIFIED,
                    decided_at=now,
                )
                for i, u in enumerate(mentor_ids)
            ),
            batch_size=5000,
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    program=program,
                    user_id=u,
                    role=Enrollment.Role.MENTOR,
                    status=Enrollment.Status.APPROVED,
                    capacity=(cap := rng.randint(1, 5)),
                    seats_taken=rng.randint(0, cap),
                )
                for u in mentor_ids
            ]
            + [
                Enrollment(
                    program=program,
                    user_id=u,
                    role=Enrollment.Role.MENTEE,
                    status=Enrollment.Status.APPROVED,
                )
                for u in mentee_ids
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would do soon after a bulk load
    return program


def _percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(program: Any, requests: int, *, keep_pool: bool = False) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from carementor.matching import pools
    from carementor.programs.models import Enrollment

    rng = random.Random(11)
    mentees = list(
        Enrollment.objects.filter(program=program, role=Enrollment.Role.MENTEE)
        .order_by("?")
        .values_list("user", flat=True)[: requests * 3]
    )
    from carementor.accounts.models import User

    people = {u.pk: u for u in User.objects.filter(pk__in=mentees)}
    mentors = program.enrollments.filter(role=Enrollment.Role.MENTOR).count()
    started = time.perf_counter()
    pool = pools.get(program) if keep_pool else pools.rebuild(program)
    build_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "mentors": mentors,
        "mentees": len(mentees) and program.enrollments.filter(role="mentee").count(),
        "pool_build_s": round(build_s, 2),
        "pool_rows": pool.n,
    }
    paths = {
        "api": f"/api/v1/programs/{program.code}/suggestions?limit=10",
        "api_filtered": (
            f"/api/v1/programs/{program.code}/suggestions?limit=10&language=hi"
            "&format=video&slot=weekday_evening"
        ),
        "page": f"/programs/{program.code}/mentors/",
        "page_filtered": f"/programs/{program.code}/mentors/?language=ta&role=mentor",
    }
    client = Client()
    for name, path in paths.items():
        times: list[float] = []
        cpu: list[float] = []
        queries: list[int] = []
        for i in range(requests):
            client.force_login(people[mentees[rng.randrange(len(mentees))]])
            if i == 0:
                client.get(path)  # first request of a process: JIT and template warm-up
            with CaptureQueriesContext(connection) as captured:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries.append(len(captured))
        # CPU time of this process (the web side, without the database's own work): on a
        # machine shared with other jobs the wall-clock figures include waiting for a core.
        cpu_ms = _percentiles(cpu)
        result[name] = {
            **_percentiles(times),
            "cpu_p50_ms": cpu_ms["p50_ms"],
            "cpu_p95_ms": cpu_ms["p95_ms"],
            "queries": max(queries),
        }
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def run() -> dict[str, Any]:
    _setup()
    mentors = int(os.environ.get("BENCH_SUGGESTIONS_MENTORS", "2000"))
    started = time.perf_counter()
    program = seed(mentors)
    seeded = time.perf_counter() - started
    return {"seed_s": round(seeded, 1), **measure(program, 50)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep-pool", action="store_true", help="reuse the cached pool")
    args = parser.parse_args()
    _setup()
    started = time.perf_counter()
    program = seed(args.mentors)
    seeded = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seed_s": round(seeded, 1),
                **measure(program, args.requests, keep_pool=args.keep_pool),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
