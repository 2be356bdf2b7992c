"""The NPPES adapter, against a local stub HTTP server — never the network."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from carementor.audit.models import AuditEvent
from carementor.credentials.models import RegisterCheck
from carementor.credentials.registers import NppesAdapter
from carementor.credentials.tests.helpers import VALID_NPI, make_credential

RECORDS = {
    VALID_NPI: {
        "number": VALID_NPI,
        "enumeration_type": "NPI-1",
        "basic": {
            "first_name": "VIKRAM",
            "last_name": "MEHTA",
            "credential": "MD",
            "status": "A",
            "enumeration_date": "2008-05-01",
            "last_updated": "2024-01-10",
        },
        "taxonomies": [
            {
                "code": "207RC0000X",
                "desc": "Cardiovascular Disease",
                "primary": True,
                "state": "CA",
                "license": "A123456",
            }
        ],
    },
    "1000000004": {
        "number": "1000000004",
        "basic": {"first_name": "JOHN", "last_name": "DOE", "status": "D"},
        "taxonomies": [],
    },
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        number = query.get("number", [""])[0]
        if query.get("version") != ["2.1"]:
            body = {"Errors": [{"description": "version is required"}]}
        elif number == "2000000002":
            self.send_response(500)
            self.end_headers()
            return
        elif number in RECORDS:
            body = {"result_count": 1, "results": [RECORDS[number]]}
        else:
            body = {"result_count": 0, "results": []}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nppes(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    settings.CAREMENTOR_NPPES_ENABLED = "true"
    settings.CAREMENTOR_NPPES_URL = f"http://127.0.0.1:{server.server_address[1]}/api/"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("number", "holder", "outcome"),
    [
        (VALID_NPI, "Prof. Vikram Mehta", "match"),
        (VALID_NPI, "Asha Raman", "mismatch"),
        ("1000000004", "John Doe", "inactive"),
        ("1245319599", "Anyone", "not_found"),
        ("2000000002", "Anyone", "error"),
    ],
)
def test_adapter_outcomes(nppes, number, holder, outcome):
    result = NppesAdapter().lookup(number, holder_name=holder)
    assert result.outcome == outcome


def test_adapter_summary(nppes):
    result = NppesAdapter().lookup(VALID_NPI, holder_name="Vikram Mehta")
    assert result.summary["name"] == "VIKRAM MEHTA"
    assert result.summary["primary_taxonomy"] == {
        "code": "207RC0000X",
        "desc": "Cardiovascular Disease",
        "state": "CA",
        "license": "A123456",
    }


def test_unreachable_register_is_an_error_not_a_crash():
    result = NppesAdapter(base_url="http://127.0.0.1:9/api/").lookup(VALID_NPI, holder_name="x")
    assert result.outcome == "error"


def test_lookup_is_recorded_as_evidence(nppes, api, reviewer, mentor, hospital):
    credential = make_credential(mentor, hospital, scheme="us_npi", number=VALID_NPI)
    response = api(reviewer).post(f"/api/v1/credentials/review/{credential.code}/lookup")
    assert response.status_code == 201
    assert response.json()["outcome"] == "match"
    check = RegisterCheck.objects.get()
    assert (check.source, check.performed_by, check.summary["status"]) == ("nppes", reviewer, "A")
    assert AuditEvent.objects.filter(action="credential.register_lookup").exists()
    page = api(reviewer).get(f"/credentials/review/{credential.code}/").content.decode()
    assert "Cardiovascular Disease" in page


def test_lookup_is_off_by_default(api, reviewer, mentor, hospital):
    credential = make_credential(mentor, hospital, scheme="us_npi", number=VALID_NPI)
    response = api(reviewer).post(f"/api/v1/credentials/review/{credential.code}/lookup")
    assert response.status_code == 422
    assert response.json()["code"] == "no_lookup"
    assert not RegisterCheck.objects.exists()
