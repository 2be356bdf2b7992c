"""Schemathesis over the whole API, as a mentee, a mentor and a coordinator.

Every operation gets a bounded number of generated requests (``CAREMENTOR_FUZZ_EXAMPLES``,
25 by default; ``make fuzz`` raises it). Each response must be no server error, of a documented
status code and content type, and match its documented schema.

A stateful phase then follows create → read → update chains (goals, meetings, notes, agenda,
messages, tokens, bookmarks, mentoring requests) through OpenAPI links declared below, with the
same checks at every step.
"""

import os
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful.state_machine import normalize_name
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from carementor.accounts.services import token_create
from carementor.api import api
from carementor.credentials.tests.helpers import make_credential
from carementor.lib.testing import add_member, make_organization, make_user
from carementor.mentorships.tests.helpers import make_mentorship, make_program
from carementor.programs.models import Enrollment

ROLES = ["mentee", "mentor", "coordinator"]
EXAMPLES = int(os.environ.get("CAREMENTOR_FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()

# Schemathesis's WSGI transport hands the body over undecoded, so ask for it uncompressed;
# compression itself is tested in tests/test_compression.py.
IDENTITY = {"Accept-Encoding": "identity"}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Any:
    """Requests go through the real WSGI handler, which closes "old" connections when each
    request ends; inside a test's transaction that would close it. Django's test client
    disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_codes(path: str, world: dict[str, str]) -> dict[str, str]:
    """Codes of real objects for the operation's path parameters, where we know them, so that
    half the examples reach past the gate into the operation itself."""
    segment = path.split("/")[3]
    codes = {}
    for name in ("org", "org_code"):
        if "{" + name + "}" in path:
            codes[name] = world["org"]
    if "{code}" in path:
        if "/programs/{code}" in path:
            codes["code"] = world["program"]
        elif segment in ("mentorships", "organizations", "credentials"):
            codes["code"] = world[segment]
    return codes


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def world(db: Any) -> dict[str, str]:
    hospital = make_organization("Fuzz Teaching Hospital", slug="fuzz-hospital")
    mentee = make_user("fuzz-mentee@example.org", full_name="Fuzz Mentee")
    mentor = make_user("fuzz-mentor@example.org", full_name="Fuzz Mentor")
    coordinator = make_user("fuzz-coordinator@example.org", full_name="Fuzz Coordinator")
    add_member(mentee, hospital)
    add_member(mentor, hospital, "mentor")
    add_member(coordinator, hospital, "coordinator")
    program = make_program(hospital)
    mentorship = make_mentorship(program, mentor, mentee)
    credential = make_credential(mentor, hospital)
    # A second mentor with free places, for suggestions, bookmarks and requests.
    other_mentor = make_user("fuzz-mentor-2@example.org", full_name="Fuzz Second Mentor")
    add_member(other_mentor, hospital, "mentor")
    for user, role in ((mentee, "mentee"), (mentor, "mentor"), (other_mentor, "mentor")):
        Enrollment.objects.create(
            program=program,
            user=user,
            role=role,
            status=Enrollment.Status.APPROVED,
            capacity=3 if role == "mentor" else 0,
        )
    people = {"mentee": mentee, "mentor": mentor, "coordinator": coordinator}
    return {
        **{role: token_create(user, "fuzz")[1] for role, user in people.items()},
        **{f"{role} session": _session(user) for role, user in people.items()},
        "org": hospital.code,
        "organizations": hospital.code,
        "program": program.code,
        "mentorships": mentorship.code,
        "credentials": credential.code,
    }


@pytest.mark.slow
@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), real=st.booleans())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: Any, role: str, real: bool, world: dict[str, str]) -> None:
    if real and case.path_parameters:
        case.path_parameters = {**case.path_parameters, **_real_codes(case.path, world)}
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world[role]}", **IDENTITY}, checks=CHECKS
    )


# --- Stateful phase -------------------------------------------------------------------------
#
# django-ninja emits no OpenAPI links, so the chains the state machine follows are declared here:
# each create (or list) feeds the codes it returns to the operations that read, update or delete
# the same object. Every step is checked like a single request above.

M = "/api/v1/mentorships/{code}"
MEETING = M + "/meetings/{meeting_code}"
SAME_MENTORSHIP = {"code": "$request.path.code"}
NEW_MEETING = {**SAME_MENTORSHIP, "meeting_code": "$response.body#/code"}
LISTED = "$response.body#/items/0/code"

# (source operation, status, target operation, link parameters, link request body)
LINKS: list[tuple[str, int, str, dict[str, str], dict[str, str] | None]] = [
    # Mentorships you are a party to → everything inside one.
    *(
        ("GET /api/v1/mentorships", 200, target, {"code": LISTED}, None)
        for target in (
            f"GET {M}",
            f"GET {M}/goals",
            f"POST {M}/goals",
            f"GET {M}/meetings",
            f"POST {M}/meetings",
            f"GET {M}/messages",
            f"POST {M}/messages",
        )
    ),
    # Goals: create → list, progress; progress → list.
    (f"POST {M}/goals", 201, f"GET {M}/goals", SAME_MENTORSHIP, None),
    (
        f"POST {M}/goals",
        201,
        f"POST {M}/goals/{{goal_code}}/progress",
        {**SAME_MENTORSHIP, "goal_code": "$response.body#/code"},
        None,
    ),
    (
        f"GET {M}/goals",
        200,
        f"POST {M}/goals/{{goal_code}}/progress",
        {**SAME_MENTORSHIP, "goal_code": "$response.body#/0/code"},
        None,
    ),
    (f"POST {M}/goals/{{goal_code}}/progress", 200, f"GET {M}/goals", SAME_MENTORSHIP, None),
    # Meetings: schedule → read, reschedule, cancel, record, calendar file, agenda, notes.
    *(
        (f"POST {M}/meetings", 201, target, NEW_MEETING, None)
        for target in (
            f"GET {MEETING}",
            f"PUT {MEETING}",
            f"POST {MEETING}/cancel",
            f"POST {MEETING}/record",
            f"GET {MEETING}/ics",
            f"GET {MEETING}/agenda",
            f"POST {MEETING}/agenda",
            f"GET {MEETING}/notes",
            f"PUT {MEETING}/notes",
            f"GET {MEETING}/private-note",
            f"PUT {MEETING}/private-note",
        )
    ),
    (
        f"GET {M}/meetings",
        200,
        f"GET {MEETING}",
        {**SAME_MENTORSHIP, "meeting_code": "$response.body#/0/code"},
        None,
    ),
    (
        f"PUT {MEETING}",
        200,
        f"GET {MEETING}",
        {**SAME_MENTORSHIP, "meeting_code": "$request.path.meeting_code"},
        None,
    ),
    # Notes: read → write on the version read; write → read.
    (
        f"GET {MEETING}/notes",
        200,
        f"PUT {MEETING}/notes",
        {**SAME_MENTORSHIP, "meeting_code": "$request.path.meeting_code"},
        {"base_version": "$response.body#/version"},
    ),
    *(
        (
            f"PUT {MEETING}/{note}",
            200,
            f"GET {MEETING}/{note}",
            {**SAME_MENTORSHIP, "meeting_code": "$request.path.meeting_code"},
            None,
        )
        for note in ("notes", "private-note")
    ),
    # Agenda: add → cover, remove.
    *(
        (
            f"POST {MEETING}/agenda",
            201,
            target,
            {
                **SAME_MENTORSHIP,
                "meeting_code": "$request.path.meeting_code",
                "item_code": "$response.body#/code",
            },
            None,
        )
        for target in (
            f"POST {MEETING}/agenda/{{item_code}}/covered",
            f"DELETE {MEETING}/agenda/{{item_code}}",
        )
    ),
    # Messages: send → read the thread.
    (f"POST {M}/messages", 201, f"GET {M}/messages", SAME_MENTORSHIP, None),
    # Tokens: create → list, revoke (only the new one: revoking the test's own token would end
    # the scenario in 401s).
    ("POST /api/v1/tokens", 201, "GET /api/v1/tokens", {}, None),
    (
        "POST /api/v1/tokens",
        201,
        "DELETE /api/v1/tokens/{code}",
        {"code": "$response.body#/code"},
        None,
    ),
    # Bookmarks and requests: programs → suggestions → mark (bookmark) or request a mentor.
    (
        "GET /api/v1/programs/",
        200,
        "GET /api/v1/programs/{code}/suggestions",
        {"code": LISTED},
        None,
    ),
    ("GET /api/v1/programs/", 200, "POST /api/v1/programs/{code}/requests", {"code": LISTED}, None),
    (
        "GET /api/v1/programs/{code}/suggestions",
        200,
        "POST /api/v1/programs/{code}/suggestions/{user}/mark",
        {"code": "$request.path.code", "user": "$response.body#/0/user"},
        None,
    ),
    (
        "GET /api/v1/programs/{code}/suggestions",
        200,
        "POST /api/v1/programs/{code}/requests",
        {"code": "$request.path.code"},
        {"mentor": "$response.body#/0/user"},
    ),
    (
        "POST /api/v1/programs/{code}/suggestions/{user}/mark",
        204,
        "GET /api/v1/programs/{code}/suggestions",
        {"code": "$request.path.code"},
        None,
    ),
    (
        "POST /api/v1/programs/{code}/requests",
        201,
        "GET /api/v1/programs/requests/{code}",
        {"code": "$response.body#/code"},
        None,
    ),
    (
        "GET /api/v1/programs/requests",
        200,
        "GET /api/v1/programs/requests/{code}",
        {"code": LISTED},
        None,
    ),
    *(
        (
            source,
            status,
            "POST /api/v1/programs/requests/{code}/{action}",
            {"code": expression, "action": action},
            None,
        )
        for source, status, expression in (
            ("POST /api/v1/programs/{code}/requests", 201, "$response.body#/code"),
            ("GET /api/v1/programs/requests", 200, LISTED),
        )
        for action in ("accept", "decline", "ask", "answer", "withdraw")
    ),
    (
        "POST /api/v1/programs/requests/{code}/{action}",
        200,
        "GET /api/v1/programs/requests/{code}",
        {"code": "$request.path.code"},
        None,
    ),
]


def _with_links(document: dict[str, Any]) -> dict[str, Any]:
    """The API's schema with the links above added to the source operations' responses."""
    paths = document["paths"]

    def operation(label: str) -> dict[str, Any]:
        method, path = label.split(" ", 1)
        return paths[path][method.lower()]

    for number, (source, status, target, parameters, body) in enumerate(LINKS):
        link: dict[str, Any] = {"operationId": operation(target)["operationId"]}
        if parameters:
            link["parameters"] = parameters
        if body:
            link["requestBody"] = body
        responses = operation(source)["responses"]
        response = responses.get(status, responses.get(str(status)))
        response.setdefault("links", {})[f"{target.split(' ')[0]}{number}"] = link
    # Lists that start a chain read their first page unfiltered, where the world's objects are.
    for source, _, _, parameters, _ in LINKS:
        if LISTED in parameters.values():
            listing = operation(source)
            listing["parameters"] = [p for p in listing.get("parameters", []) if p["in"] != "query"]
    # Request bodies without unknown fields: the API ignores them, and their keys (control
    # characters included, refused by the parser) would turn most steps of a chain into 422s.
    # The stateless test above still sends them.
    components = document["components"]["schemas"]
    for operations in paths.values():
        for operation_ in operations.values():
            for content in operation_.get("requestBody", {}).get("content", {}).values():
                body_schema = content["schema"]
                if "$ref" in body_schema:
                    body_schema = components[body_schema["$ref"].rsplit("/", 1)[1]]
                if body_schema.get("type") == "object":
                    body_schema.setdefault("additionalProperties", False)
    return document


# Scenarios per role (25 by default, like the examples per operation; `make fuzz` raises both)
# and at most this many calls in each.
SCENARIOS = EXAMPLES
STEPS = 10

stateful_schema = schemathesis.openapi.from_dict(_with_links(api.get_openapi_schema()))
stateful_schema.app = schema.app
# Only the links declared above: inferring more would spread the bounded budget over guesses.
stateful_schema.config.phases.stateful.inference.algorithms = []


def _workflow() -> Any:
    """The state machine, starting only from operations that need no code: a chain begins at a
    list or at a create without path parameters, never at a random mentorship or program code,
    which the stateless test above already covers and which would spend the scenarios on 404s."""
    machine = stateful_schema.as_state_machine()
    roots = {label for label in machine._root_labels if "{" not in label}
    dropped = {normalize_name(f"RANDOM -> {label}"): None for label in machine._root_labels - roots}
    return type(
        "Workflow",
        (machine,),
        {
            **dropped,
            "root_rules": machine.root_rules - set(dropped),
            "_root_labels": frozenset(roots),
        },
    )


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_api_stateful(role: str, world: dict[str, str]) -> None:
    # Signed in with the session (and its CSRF token) rather than a token: personal access
    # tokens can only be created that way, and the bearer path is fuzzed above.
    csrf = "f" * CSRF_SECRET_LENGTH
    headers = {"X-CSRFToken": csrf, **IDENTITY}
    cookies = {
        django_settings.SESSION_COOKIE_NAME: world[f"{role} session"],
        django_settings.CSRF_COOKIE_NAME: csrf,
    }

    class Workflow(_workflow()):  # type: ignore[misc]
        # Each scenario starts from the same world: what one scenario created (goals, agenda
        # items, bookmarks) or used up (places, rate limits) is undone after it. Otherwise the
        # same generated steps could meet a 201 once and a 422 later, and Hypothesis, replaying
        # its choices, finds different rules enabled ("inconsistent data generation").
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()
            caches["default"].clear()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers, "cookies": cookies}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
