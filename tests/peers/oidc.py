"""Start the test OpenID Connect provider in its own process, and talk to it as a person would."""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class OidcPeer:
    url: str
    control_token: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _control(self, what: str, data: dict[str, Any]) -> None:
        response = requests.post(
            f"{self.url}/control/{what}/",
            json=data,
            headers={"Authorization": f"Bearer {self.control_token}"},
            timeout=10,
        )
        response.raise_for_status()

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self._control(
            "clients",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": [redirect_uri],
            },
        )

    def add_person(
        self, username: str, password: str, claims: dict[str, Any], mode: str = ""
    ) -> None:
        self._control(
            "people",
            {"username": username, "password": password, "claims": claims, "mode": mode},
        )

    def authorize(self, authorize_url: str, username: str, password: str) -> str:
        """Sign in at the provider as ``username`` and follow ``authorize_url``; return the
        redirect (with ``code`` and ``state``) the provider sends the browser back with."""
        session = requests.Session()
        login = session.get(f"{self.url}/login/", timeout=10)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert csrf, login.text
        response = session.post(
            f"{self.url}/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": csrf.group(1),
                "next": "/login/",
            },
            headers={"Referer": f"{self.url}/login/"},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text
        response = session.get(authorize_url, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["Location"]


@pytest.fixture(scope="session")
def oidc_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcPeer]:
    token = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "PEER_DATA_DIR": str(tmp_path_factory.mktemp("oidc-peer")),
        "PEER_CONTROL_TOKEN": token,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.peers.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.match(r"PORT=(\d+)", line)
        assert match, f"the OIDC provider did not start: {line!r}"
        yield OidcPeer(url=f"http://127.0.0.1:{match.group(1)}", control_token=token)
    finally:
        process.terminate()
        process.wait(timeout=10)
