"""scim2-tester's RFC 7643/7644 checks, run against a live server over real HTTP."""

import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from carementor.integrations.services import scim_token_create


@pytest.mark.django_db(transaction=True)
def test_the_scim_server_passes_scim2_tester(live_server, hospital):
    _token, raw = scim_token_create(hospital, "scim2-tester", actor_label="test")
    http = Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=30,
    )
    client = SyncSCIMClient(http)

    results = check_server(client)

    failures = [
        f"{r.title}: {r.reason}"
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
    ]
    assert failures == [], "\n".join(failures)
    assert sum(r.status == Status.SUCCESS for r in results) >= 20
