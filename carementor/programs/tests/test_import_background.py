"""A large participant import is applied in the background, with progress, exactly once."""

import io
from typing import Any

import pytest

from carementor.audit.models import AuditEvent
from carementor.lib.testing import add_member, make_user
from carementor.programs import imports
from carementor.programs.models import Enrollment, ImportBatch
from carementor.programs.tasks import apply_import

PEOPLE = [f"nurse{n}@example.org" for n in range(5)]


@pytest.fixture
def small_steps(monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "INLINE_APPLY", 2)  # five rows go to the task queue
    monkeypatch.setattr(imports, "CHUNK", 2)  # in three chunks


@pytest.fixture
def batch(login: Any, coordinator: Any, hospital: Any, program: Any) -> ImportBatch:
    for email in PEOPLE:
        add_member(make_user(email), hospital)
    upload = io.BytesIO(("email,role\n" + "".join(f"{e},mentee\n" for e in PEOPLE)).encode())
    upload.name = "cohort.csv"
    login(coordinator).post(f"/programs/{program.code}/import/", {"file": upload})
    return ImportBatch.objects.get()


def test_a_large_import_is_queued_shows_progress_and_completes_in_the_task(
    small_steps: Any,
    login: Any,
    coordinator: Any,
    program: Any,
    batch: ImportBatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(coordinator)
    url = f"/programs/{program.code}/import/{batch.code}/"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url)
    assert response.status_code == 302
    assert len(queued) == 1
    assert not Enrollment.objects.exists()  # nothing applied in the request
    page = client.get(url)
    assert b"0 of 5 rows applied." in page.content
    assert b'hx-trigger="every 2s"' in page.content
    assert b'data-worker-status="none"' in page.content  # no worker alive: the page says so
    api = client.get(f"/api/v1/programs/{program.code}/imports/{batch.code}").json()
    assert (api["status"], api["progress_done"], api["progress_total"]) == ("queued", 0, 5)
    queued[0]()  # the immediate task backend runs the task now
    batch.refresh_from_db()
    assert (batch.status, batch.progress_done, batch.progress_total) == ("applied", 5, 5)
    assert batch.report == {"created": 5, "updated": 0, "skipped": 0}
    assert Enrollment.objects.filter(program=program).count() == 5
    part = client.get(f"{url}?part=progress", headers={"HX-Request": "true"})
    assert b"Applied: 5 enrolled, 0 updated, 0 rows skipped." in part.content
    assert b"every 2s" not in part.content  # finished: the page stops polling
    api = client.get(f"/api/v1/programs/{program.code}/imports/{batch.code}").json()
    assert (api["status"], api["progress_done"], api["report"]["created"]) == ("applied", 5, 5)


def test_the_api_answers_202_for_a_queued_import(
    small_steps: Any,
    login: Any,
    coordinator: Any,
    outsider: Any,
    program: Any,
    batch: ImportBatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    path = f"/api/v1/programs/{program.code}/imports/{batch.code}"
    assert login(outsider).get(path).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(f"{path}/apply")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["progress_total"]) == ("queued", 5)
    assert login(coordinator).get(path).json()["status"] == "applied"
    again = login(coordinator).post(f"{path}/apply")
    assert (again.status_code, again.json()["code"]) == (409, "applied")


def test_a_repeated_task_imports_once(
    small_steps: Any,
    coordinator: Any,
    program: Any,
    batch: ImportBatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_apply(batch=batch, actor=coordinator)
    apply_import.enqueue(batch.pk)  # the queue delivers the same job twice
    apply_import.enqueue(batch.pk)
    batch.refresh_from_db()
    assert batch.report == {"created": 5, "updated": 0, "skipped": 0}
    assert Enrollment.objects.filter(program=program).count() == 5
    assert AuditEvent.objects.filter(action="enrollment.added").count() == 5
    assert AuditEvent.objects.filter(action="program.import_applied").count() == 1


def test_a_retried_task_resumes_after_the_rows_already_applied(
    small_steps: Any, coordinator: Any, program: Any, batch: ImportBatch
) -> None:
    # A worker applied the first chunk and died; the queue retries the task.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="applying", applied_by=coordinator, progress_total=5, report={}
    )
    assert imports._apply_chunk(batch.pk)
    imports.import_execute(batch.pk)  # not a retry: the batch is taken, nothing happens
    assert ImportBatch.objects.get(pk=batch.pk).progress_done == 2
    imports.import_execute(batch.pk, resume=True)
    batch.refresh_from_db()
    assert (batch.status, batch.progress_done) == ("applied", 5)
    assert batch.report == {"created": 5, "updated": 0, "skipped": 0}
    assert AuditEvent.objects.filter(action="enrollment.added").count() == 5


def test_a_failed_import_shows_its_error_and_can_be_resumed(
    small_steps: Any,
    login: Any,
    coordinator: Any,
    program: Any,
    batch: ImportBatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = list(batch.rows)
    rows[3] = {**rows[3], "capacity": -5}  # the database refuses this row
    ImportBatch.objects.filter(pk=batch.pk).update(rows=rows)
    client = login(coordinator)
    url = f"/programs/{program.code}/import/{batch.code}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    batch.refresh_from_db()
    assert (batch.status, batch.progress_done) == ("failed", 2)  # the first chunk holds
    assert batch.error
    assert Enrollment.objects.count() == 2
    page = client.get(url)
    assert b"The import stopped:" in page.content
    assert b"Resume the import" in page.content
    api = client.get(f"/api/v1/programs/{program.code}/imports/{batch.code}").json()
    assert (api["status"], api["error"]) == ("failed", batch.error)
    rows[3] = {**rows[3], "capacity": None}
    ImportBatch.objects.filter(pk=batch.pk).update(rows=rows)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    batch.refresh_from_db()
    assert (batch.status, batch.error) == ("applied", "")
    assert batch.report == {"created": 5, "updated": 0, "skipped": 0}
    assert Enrollment.objects.count() == 5


def test_the_preview_shows_rows_and_problems_a_page_at_a_time(
    login: Any, coordinator: Any, program: Any, django_assert_max_num_queries: Any
) -> None:
    rows = [
        {"line": n, "email": f"p{n}@example.org", "role": "mentee", "capacity": None}
        for n in range(2, 32)
    ]
    errors = [{"line": n, "reason": f"problem on line {n}"} for n in range(32, 62)]
    batch = ImportBatch.objects.create(
        program=program, filename="big.csv", rows=rows, errors=errors
    )
    client = login(coordinator)
    url = f"/programs/{program.code}/import/{batch.code}/"
    first = client.get(url).content.decode()
    assert "p26@example.org" in first and "p27@example.org" not in first  # 25 rows a page
    assert "problem on line 56" in first and "problem on line 57" not in first
    assert "30 people will be enrolled and approved." in first
    assert "Page 1 of 2" in first
    second = client.get(f"{url}?page=2").content.decode()
    assert "p27@example.org" in second and "p26@example.org" not in second
    problems = client.get(f"{url}?errors=2").content.decode()
    assert "problem on line 57" in problems and "problem on line 56" not in problems
    with django_assert_max_num_queries(12):  # the rows are one JSON value: no query per row
        client.get(url)
