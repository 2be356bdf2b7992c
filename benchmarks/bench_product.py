"""The product's own paths over HTTP, under the production server, on PostgreSQL.

For each size: a fresh database (copied from a migrated template), ``seed_demo --users N`` with
its national programme (timed), then gunicorn (3 sync workers, ``DJANGO_DEBUG=False``) and the
database task worker. The benchmark signs in over HTTP (the coordinator with TOTP, mentees with
their password), creates API tokens in the database for the API paths, and measures p50/p95
of: suggestions (with and without filters), "Find a mentor", the oversight page and API, the
completion page and API, the outcome report PDF, an optimal match run from queued to draft and
publishing it (polling the run when either happens in the background). Then two headless
locust runs (20 users): a mix of API reads and writes, and one of pages. Every response carries
``X-Query-Count`` (``benchmarks.counting_wsgi``), so each figure has its queries per request;
every figure has the load average when it was taken.

Quick by default (1,000 people, short load tests). Full national figures:

    python -m benchmarks product --sizes 10000,100000 --load-seconds 60

Settings (environment): BENCH_PRODUCT_SIZES, BENCH_LOAD_SECONDS, BENCH_LOAD_USERS (20),
BENCH_REPS (20 per path), BENCH_PATH_SECONDS (time budget per path, 60), BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432), BENCH_DB_PREFIX (cm_bench), BENCH_PORT (8765),
BENCH_REDIS_URL (unset: each worker caches in its own memory), BENCH_REUSE_DB=1 (keep an
already seeded database of the same size), BENCH_GUNICORN_WORKERS (3), BENCH_RUN_TIMEOUT
(seconds to wait for a run to reach its draft, and for publishing, 600).
Without PostgreSQL the benchmark reports itself skipped.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-only-secret-key-" + "x" * 40
MANAGER = "rohan@example.org"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "care-mentor-demo"
SAMPLE_MENTEES = 20
PAGE_SESSIONS = 5


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# --- databases ----------------------------------------------------------------------------


def _pg_url(name: str) -> str:
    return f"{_env('BENCH_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432').rstrip('/')}/{name}"


def _admin(sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(_pg_url("postgres"), autocommit=True) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def _exists(name: str) -> bool:
    return bool(_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))  # noqa: S608


def _django_env(database: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": _pg_url(database),
        "DJANGO_SETTINGS_MODULE": "carementor.settings",
        "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DATABASE_CONN_MAX_AGE": "600",
        # Invitations and notifications would otherwise try an SMTP server that is not there.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # Each benchmark database keeps its own cache entries in a shared Redis.
        "CAREMENTOR_CACHE_PREFIX": f"bench-{database}",
        **extra,
    }
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    return env


def _manage(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_django_env(database),
        capture_output=True,
        text=True,
        check=True,
    )


def _fresh_database(prefix: str, size: int) -> tuple[str, dict[str, Any]]:
    """A seeded database for ``size`` people and how long seeding took."""
    name = f"{prefix}_{size}"
    if os.environ.get("BENCH_REUSE_DB") and _exists(name):
        return name, {"reused": True}
    template = f"{prefix}_template"
    if not _exists(template):
        _admin(f'CREATE DATABASE "{template}"')
    _manage(template, "migrate", "--noinput", "-v", "0")  # a no-op once migrated
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    before = os.times()
    started = time.perf_counter()
    seeded = _manage(name, "seed_demo", "--users", str(size), "--national")
    seconds = time.perf_counter() - started
    after = os.times()
    steps = re.findall(r"seed_demo: (.+) in ([0-9.]+) s", seeded.stderr)
    return name, {
        "steps_seconds": {step: float(value) for step, value in steps},
        "seconds": round(seconds, 1),
        # The seeding process's own CPU (the database server's is not included).
        "cpu_seconds": round(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system),
            1,
        ),
        "load": _load(),
    }


# --- what the benchmark needs from the database --------------------------------------------


def _prepare() -> dict[str, Any]:
    """Runs in a subprocess on the benchmark database: codes, tokens and sample people."""
    import django

    django.setup()
    from django.db.models import Q

    from carementor.accounts.models import PersonalAccessToken, User
    from carementor.accounts.services import token_create
    from carementor.demo.national import national_program
    from carementor.matching.suggestions import mentor_enrollments
    from carementor.organizations.models import Organization
    from carementor.programs.models import Enrollment

    organizations = {o.slug: o for o in Organization.objects.all()}
    program = national_program(organizations)
    assert program is not None, "seed_demo --national made no national programme"
    manager = User.objects.get(email=MANAGER)
    # Benchmark tokens replace earlier ones, so reruns stay under the per-person cap.
    PersonalAccessToken.objects.filter(name="benchmark").delete()
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
        "manager": {"email": manager.email, "token": token_create(manager, "benchmark")[1]},
        "mentees": [
            {"email": user.email, "code": user.code, "token": token_create(user, "benchmark")[1]}
            for user in mentees
        ],
        "mentors": mentors,
        "people": User.objects.count(),
        "mentor_seats": mentor_enrollments(program).count(),
        "mentees_enrolled": program.enrollments.filter(role=Enrollment.Role.MENTEE).count(),
    }


# --- HTTP ---------------------------------------------------------------------------------


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as any authenticator app computes it."""
    key = base64.b32decode(secret)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Client:
    """requests with cookies kept by hand: production cookies are Secure, and the benchmark
    talks plain HTTP to 127.0.0.1 (requests would otherwise withhold them)."""

    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method != "GET" and "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        headers.setdefault("Referer", self.base + "/")
        response = self.http.request(
            method,
            self.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 900),
            **kwargs,
        )
        self.cookies.update(
            {cookie.name: cookie.value for cookie in response.cookies if cookie.value}
        )
        return response

    def sign_in(self, email: str, secret: str = "") -> None:
        page = self.request("GET", "/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert csrf, f"no login form ({page.status_code})"
        data = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)}
        response = self.request("POST", "/accounts/login/", data=data)
        location = response.headers.get("Location", "")
        if "2fa" in location:
            form = self.request("GET", location)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            assert csrf, "no two-factor form"
            response = self.request(
                "POST", location, data={"code": totp(secret), "csrfmiddlewaretoken": csrf.group(1)}
            )
        me = self.request("GET", "/api/v1/me")
        assert me.status_code == 200, f"sign-in of {email} failed: {me.status_code}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(call: Callable[[int], Any], *, reps: int, budget: float) -> dict[str, Any]:
    """Call ``call(i)`` up to ``reps`` times, for at most about ``budget`` seconds."""
    times: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    for index in range(reps):
        began = time.perf_counter()
        response = call(index)
        times.append((time.perf_counter() - began) * 1000)
        statuses[response.status_code] += 1
        if "X-Query-Count" in response.headers:
            queries.append(int(response.headers["X-Query-Count"]))
        # At least three requests, unless one alone already took the whole budget.
        spent = time.perf_counter() - started
        if spent > budget and (index >= 2 or spent > budget * (index + 1) / 3):
            break
    return {
        "n": len(times),
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "queries": round(statistics.median(queries)) if queries else None,
        "statuses": dict(statuses),
        "load": _load(),
    }


def _wait_for_run(
    client: Client, program: str, run: str, until: set[str], deadline: float
) -> dict[str, Any]:
    while True:
        found = client.request("GET", f"/api/v1/programs/{program}/runs/{run}").json()
        if found["status"] in until | {"failed"} or time.perf_counter() > deadline:
            return dict(found)
        time.sleep(0.5)


def _run_and_publish(manager: Client, program: str) -> dict[str, Any]:
    """An optimal run, queued to draft, then published; each waited for at most
    BENCH_RUN_TIMEOUT seconds (a slower one is reported unfinished, not waited out)."""
    limit = float(_env("BENCH_RUN_TIMEOUT", "600"))
    results: dict[str, Any] = {}
    started = time.perf_counter()
    response = manager.request("POST", f"/api/v1/programs/{program}/runs", json={"mode": "optimal"})
    assert response.status_code == 201, response.text[:300]
    run = response.json()
    if run["status"] not in ("draft", "failed"):
        run = _wait_for_run(manager, program, run["code"], {"draft"}, started + limit)
    results["run_to_draft"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "status": run["status"],
        "matched": run.get("stats", {}).get("matched"),
        "unmatched": len(run.get("unmatched", [])),
        "load": _load(),
    }
    if run["status"] != "draft":
        results["run_to_draft"]["error"] = run.get("error", "")
        return results
    proposals = manager.request(
        "GET", f"/api/v1/programs/{program}/runs/{run['code']}/proposals?limit=1"
    ).json()
    import requests

    started = time.perf_counter()
    try:
        response = manager.request(
            "POST", f"/api/v1/programs/{program}/runs/{run['code']}/publish", timeout=limit
        )
    except requests.Timeout:
        results["publish"] = {
            "seconds": f"> {limit:g} (gave up waiting for the request)",
            "proposals": proposals.get("count"),
            "load": _load(),
        }
        return results
    published = response.json() if response.status_code < 500 else {"status": "error"}
    if response.status_code < 400 and published.get("status") != "published":
        published = _wait_for_run(manager, program, run["code"], {"published"}, started + limit)
    results["publish"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "http_status": response.status_code,
        "status": published.get("status"),
        "proposals": proposals.get("count"),
        "queries_in_request": response.headers.get("X-Query-Count"),
        "load": _load(),
    }
    return results


def _paths(setup: dict[str, Any], base: str) -> dict[str, Any]:
    reps = int(_env("BENCH_REPS", "20"))
    budget = float(_env("BENCH_PATH_SECONDS", "60"))
    program, org = setup["program"], setup["organization"]
    manager_api = Client(base)
    manager_api.token = setup["manager"]["token"]
    manager = Client(base)
    manager.sign_in(setup["manager"]["email"], TOTP_SECRET)
    apis = []
    for mentee in setup["mentees"]:
        client = Client(base)
        client.token = mentee["token"]
        apis.append(client)
    pages = []
    for mentee in setup["mentees"][:PAGE_SESSIONS]:
        client = Client(base)
        client.sign_in(mentee["email"])
        pages.append(client)

    def api(i: int) -> Client:
        return apis[i % len(apis)]

    def page(i: int) -> Client:
        return pages[i % len(pages)]

    suggestions = f"/api/v1/programs/{program}/suggestions"
    found: dict[str, Any] = {}
    plan: list[tuple[str, Callable[[int], Any], int]] = [
        ("suggestions_api", lambda i: api(i).request("GET", suggestions), reps),
        (
            "suggestions_api_filtered",
            lambda i: api(i).request(
                "GET", suggestions + ("?language=hi&format=video", "?profession=physician")[i % 2]
            ),
            reps,
        ),
        (
            "find_mentor_page",
            lambda i: page(i).request("GET", f"/programs/{program}/mentors/"),
            reps,
        ),
        ("oversight_page", lambda i: manager.request("GET", f"/mentorships/oversee/{org}/"), reps),
        (
            "oversight_api",
            lambda i: manager_api.request("GET", f"/api/v1/mentorships/oversee/{org}"),
            reps,
        ),
        (
            "completion_page",
            lambda i: manager.request("GET", f"/certificates/programs/{program}/completion/"),
            reps,
        ),
        (
            "completion_api",
            lambda i: manager_api.request(
                "GET", f"/api/v1/certificates/programs/{program}/completion"
            ),
            reps,
        ),
        (
            "report_pdf",
            lambda i: manager_api.request(
                "GET", f"/api/v1/evaluations/programs/{program}/results/pdf"
            ),
            max(3, reps // 4),
        ),
    ]
    for name, call, count in plan:
        found[name] = measure(call, reps=count, budget=budget)
        print(f"#   {name}: {found[name]}", file=sys.stderr)
    # Sessions for the page mix of the load test, which runs before publishing changes data.
    found["_sessions"] = [client.cookies for client in pages] + [manager.cookies]
    found["_manager_api"] = manager_api
    return found


def _locust(setup: dict[str, Any], base: str, mix: str, sessions: list[dict[str, str]]) -> Any:
    seconds = int(_env("BENCH_LOAD_SECONDS", "15"))
    users = int(_env("BENCH_LOAD_USERS", "20"))
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        config = Path(tmp) / "config.json"
        out = Path(tmp) / "out.json"
        config.write_text(json.dumps({**setup, "sessions": sessions}))
        env = {
            **os.environ,
            "BENCH_LOCUST_CONFIG": str(config),
            "BENCH_LOCUST_OUT": str(out),
            "BENCH_LOCUST_MIX": mix,
        }
        subprocess.run(  # noqa: S603 - locust from our own environment
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locust_product.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                base,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 300,
        )
        result = json.loads(out.read_text()) if out.exists() else {"error": "no locust output"}
    result["load"] = _load()
    return result


# --- servers ------------------------------------------------------------------------------


class Servers:
    """gunicorn (production WSGI app plus the query-count header) and the task worker."""

    def __init__(self, database: str, port: int) -> None:
        self.database, self.port = database, port
        self.processes: list[subprocess.Popen[bytes]] = []
        # Open for the servers' lifetime; kept afterwards for reading.
        self.log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self) -> str:
        env = _django_env(self.database)
        workers = _env("BENCH_GUNICORN_WORKERS", "3")
        commands = [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "benchmarks.counting_wsgi:application",
                "-w",
                workers,
                "-b",
                f"127.0.0.1:{self.port}",
                # Long enough to measure a slow path instead of killing the worker mid-way.
                "--timeout",
                "1800",
                "--graceful-timeout",
                "5",
            ],
            # The worker of whichever task backend the environment chose (RQ with Redis).
            [sys.executable, "manage.py", "worker"],
        ]
        # Production serves hashed static files from collectstatic's manifest.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        for command in commands:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=self.log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        base = f"http://127.0.0.1:{self.port}"
        import requests

        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(base + "/health/", timeout=5).status_code < 500:
                    return base
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def __exit__(self, *exc: Any) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- the benchmark ------------------------------------------------------------------------


def run() -> dict[str, Any]:
    sizes = [int(s) for s in _env("BENCH_PRODUCT_SIZES", "1000").split(",") if s.strip()]
    prefix = _env("BENCH_DB_PREFIX", "cm_bench")
    port = int(_env("BENCH_PORT", "8765"))
    try:
        _admin("SELECT 1")
    except Exception as exc:  # no server, no driver: say so rather than fail `make bench`
        return {"skipped": f"PostgreSQL not reachable: {exc}"}
    results: dict[str, Any] = {
        "database": "postgresql",
        "server": f"gunicorn, {_env('BENCH_GUNICORN_WORKERS', '3')} sync workers",
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "sizes": {},
    }
    for size in sizes:
        database, seeding = _fresh_database(prefix, size)
        print(f"# product {size}: seeded {seeding}", file=sys.stderr)
        prepared = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_product", "prepare"],
            cwd=ROOT,
            env=_django_env(database),
            capture_output=True,
            text=True,
            check=True,
        )
        setup = json.loads(prepared.stdout.strip().splitlines()[-1])
        entry: dict[str, Any] = {
            "seed_demo": seeding,
            "people": setup["people"],
            "mentors_with_free_places": setup["mentor_seats"],
            "mentees_enrolled": setup["mentees_enrolled"],
        }
        # A fresh server for each part: requests a slow part leaves queued in gunicorn would
        # otherwise still be served while the next part is measured.
        with Servers(database, port) as base:
            found = _paths(setup, base)
        sessions = found.pop("_sessions")
        manager_api = found.pop("_manager_api")
        entry["paths"] = found
        for mix in ("api", "pages"):
            with Servers(database, port) as base:
                entry[f"load_{mix}"] = _locust(setup, base, mix, sessions)
            print(f"#   load {mix}: {entry[f'load_{mix}']}", file=sys.stderr)
        with Servers(database, port) as base:
            manager_api.base = base
            found.update(_run_and_publish(manager_api, setup["program"]))
        print(f"#   run: {found.get('run_to_draft')} {found.get('publish')}", file=sys.stderr)
        results["sizes"][str(size)] = entry
    results["growth"] = _growth(results["sizes"])
    return results


def _growth(sizes: dict[str, Any]) -> dict[str, Any]:
    """How each path's p50 grows from the smallest size to the largest."""
    if len(sizes) < 2:
        return {}
    keys = sorted(sizes, key=int)
    small, large = sizes[keys[0]], sizes[keys[-1]]
    people = int(keys[-1]) / int(keys[0])
    growth: dict[str, Any] = {"people": f"x{people:g} ({keys[0]} -> {keys[-1]})"}
    for name, figures in large.get("paths", {}).items():
        before = small.get("paths", {}).get(name, {})
        if "p50_ms" in figures and before.get("p50_ms"):
            growth[name] = f"x{figures['p50_ms'] / before['p50_ms']:.1f}"
        elif "seconds" in figures and before.get("seconds"):
            growth[name] = f"x{figures['seconds'] / before['seconds']:.1f}"
    return growth


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        print(json.dumps(_prepare()))
