"""How long `seed_demo --users N` takes as N grows, on a fresh SQLite database per size.

Each size runs in its own process, because the database is chosen by DATABASE_URL before
django.setup() and another benchmark in the same `make bench` run may have set Django up
already. Reported per size: seconds for the first seeding, seconds for an idempotent
re-run (nothing to create), rows written and rows per second. The rows counted are the
people's own (users, addresses, memberships, profiles and their links); later seeding
steps such as demo credentials are included in the seconds but not in the rows.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Quick by default; BENCH_SEED_SIZES=1000,10000,50000,100000 (or --seed-sizes) for the full curve.
SIZES = (1_000, 10_000)
ROOT = Path(__file__).resolve().parent.parent


def run() -> dict[str, Any]:
    results: dict[str, Any] = {"database": "sqlite (fresh file per size)", "sizes": {}}
    sizes = [int(s) for s in os.environ.get("BENCH_SEED_SIZES", "").split(",") if s.strip()]
    for size in sizes or SIZES:
        with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "CAREMENTOR_VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "carementor.settings",
                "DJANGO_DEBUG": "False",  # DEBUG would keep every query in memory
                "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
            }
            completed = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "benchmarks.bench_seed", str(size)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            results["sizes"][str(size)] = json.loads(completed.stdout.strip().splitlines()[-1])
        print(f"# seed {size}: {results['sizes'][str(size)]}", file=sys.stderr)
    return results


def _measure(size: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from carementor.demo.seed import seed_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started

    before = _row_count()
    cpu_started = time.process_time()
    report = seed_demo(users=size)
    cpu_seconds = time.process_time() - cpu_started
    rows = _row_count() - before
    rerun = seed_demo(users=size)
    return {
        "people": size,
        "people_created": report.people_created,
        "rows": rows,
        "seconds": round(report.seconds, 2),
        # The machine may be shared: CPU time shows the cost when wall time is inflated.
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(rows / report.seconds),
        "people_per_second": round(size / report.seconds),
        "rerun_seconds": round(rerun.seconds, 2),
        "rerun_created": rerun.people_created,
        "migrate_seconds": round(migrate_seconds, 2),
    }


def _row_count() -> int:
    from allauth.account.models import EmailAddress

    from carementor.accounts.models import User
    from carementor.organizations.models import Membership
    from carementor.profiles.models import Profile, ProfileCompetency

    models = (
        User,
        EmailAddress,
        Membership,
        Profile,
        Profile.specialties.through,
        Profile.languages.through,
        ProfileCompetency,
    )
    return sum(model._default_manager.count() for model in models)


if __name__ == "__main__":
    print(json.dumps(_measure(int(sys.argv[1]))))
