"""Locust load for the product benchmark (started by bench_product, not on its own).

BENCH_LOCUST_MIX chooses the mix: ``api`` (mentees with API tokens: suggestions, their
mentorships, notifications, programmes; writes: bookmarking a suggested mentor and updating
their account) or ``pages`` (signed-in mentees and the coordinator: dashboard, programme,
"Find a mentor", mentorships, oversight). No think time: the figures are capacity. When locust
quits, one JSON summary (req/s, p50/p95/p99, errors, queries per request from the
``X-Query-Count`` header) is written to BENCH_LOCUST_OUT.
"""

import itertools
import json
import os
import statistics
import time
from typing import Any

from locust import HttpUser, constant, events, task

CONFIG: dict[str, Any] = json.loads(open(os.environ["BENCH_LOCUST_CONFIG"]).read())  # noqa: SIM115
MIX = os.environ.get("BENCH_LOCUST_MIX", "api")
PROGRAM = CONFIG["program"]
ORGANIZATION = CONFIG["organization"]
TOKENS = itertools.cycle([mentee["token"] for mentee in CONFIG["mentees"]])
SESSIONS = itertools.cycle(CONFIG["sessions"][:-1] or CONFIG["sessions"])
MANAGER_SESSION = CONFIG["sessions"][-1]
MENTORS = itertools.cycle(CONFIG["mentors"] or [""])
ZONES = itertools.cycle(["Asia/Kolkata", "Europe/London"])

times: list[float] = []
queries: list[int] = []
errors: dict[str, int] = {}
started = [0.0]


@events.test_start.add_listener
def _start(**_kwargs: Any) -> None:
    started[0] = time.perf_counter()


@events.request.add_listener
def _record(
    name: str, response_time: float, exception: Any, response: Any = None, **_kwargs: Any
) -> None:
    times.append(response_time)
    if response is not None and response.headers.get("X-Query-Count"):
        queries.append(int(response.headers["X-Query-Count"]))
    if exception is not None:
        key = f"{name}: {str(exception)[:80]}"
        errors[key] = errors.get(key, 0) + 1


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@events.quitting.add_listener
def _summary(**_kwargs: Any) -> None:
    seconds = max(time.perf_counter() - started[0], 1e-9)
    summary = {
        "mix": MIX,
        "users": int(os.environ.get("BENCH_LOAD_USERS", "20")),
        "seconds": round(seconds, 1),
        "requests": len(times),
        "rps": round(len(times) / seconds, 1),
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "queries_per_request": {
            "mean": round(statistics.fmean(queries), 1) if queries else None,
            "p95": _percentile([float(q) for q in queries], 0.95) if queries else None,
            "max": max(queries) if queries else None,
        },
    }
    with open(os.environ["BENCH_LOCUST_OUT"], "w") as out:
        json.dump(summary, out)


def _session_headers(cookies: dict[str, str]) -> dict[str, str]:
    # Production cookies are Secure; over plain HTTP to 127.0.0.1 they are sent by hand.
    return {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": cookies.get("csrftoken", ""),
    }


class ApiMentee(HttpUser):
    wait_time = constant(0)
    abstract = MIX != "api"

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next(TOKENS)}"

    @task(4)
    def suggestions(self) -> None:
        self.client.get(f"/api/v1/programs/{PROGRAM}/suggestions", name="suggestions")

    @task(3)
    def mentorships(self) -> None:
        self.client.get("/api/v1/mentorships", name="mentorships")

    @task(3)
    def notifications(self) -> None:
        self.client.get("/api/v1/notifications", name="notifications")

    @task(2)
    def program(self) -> None:
        self.client.get(f"/api/v1/programs/{PROGRAM}", name="program")

    @task(2)
    def bookmark(self) -> None:
        self.client.post(
            f"/api/v1/programs/{PROGRAM}/suggestions/{next(MENTORS)}/mark",
            json={"kind": "bookmark"},
            name="bookmark (write)",
        )

    @task(1)
    def account(self) -> None:
        self.client.patch("/api/v1/me", json={"timezone": next(ZONES)}, name="me (write)")


class PageVisitor(HttpUser):
    wait_time = constant(0)
    abstract = MIX != "pages"

    def on_start(self) -> None:
        self.client.headers.update(_session_headers(next(SESSIONS)))

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(2)
    def program(self) -> None:
        self.client.get(f"/programs/{PROGRAM}/", name="programme page")

    @task(2)
    def find_a_mentor(self) -> None:
        self.client.get(f"/programs/{PROGRAM}/mentors/", name="find a mentor")

    @task(2)
    def mentorships(self) -> None:
        self.client.get("/mentorships/", name="mentorships")

    @task(1)
    def oversight(self) -> None:
        self.client.get(
            f"/mentorships/oversee/{ORGANIZATION}/",
            name="oversight (coordinator)",
            headers=_session_headers(MANAGER_SESSION),
        )
