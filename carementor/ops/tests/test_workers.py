"""Heartbeats: a page says so when queued work has no worker alive."""

import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.template import Context, Template
from django.utils import timezone

from carementor.ops.models import WorkerHeartbeat
from carementor.ops.workers import Heartbeat, beat, worker_alive, workers_alive

TAG = Template("{% load ops %}{% worker_status status %}")


@pytest.mark.django_db
def test_a_worker_is_alive_only_while_it_beats():
    assert not worker_alive()
    beat("worker:a:1", WorkerHeartbeat.Kind.WORKER)
    beat("scheduler:a:2", WorkerHeartbeat.Kind.SCHEDULER)
    assert worker_alive()
    assert workers_alive() == 1
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    assert not worker_alive()


@pytest.mark.django_db
def test_queued_work_without_a_worker_says_so():
    assert 'data-worker-status="none"' in TAG.render(Context({"status": "queued"}))
    assert TAG.render(Context({"status": "draft"})).strip() == ""
    beat("worker:a:1", WorkerHeartbeat.Kind.WORKER)
    assert TAG.render(Context({"status": "queued"})).strip() == ""


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_writes_and_removes_its_row():
    heartbeat = Heartbeat(WorkerHeartbeat.Kind.WORKER, interval=0.05).start()
    deadline = timezone.now() + timedelta(seconds=10)
    # In-memory SQLite (tests) shares one cache between threads and answers "table is locked"
    # instead of waiting while the heartbeat thread writes: ask again a moment later.
    alive = False
    while not alive and timezone.now() < deadline:
        try:
            alive = worker_alive()
        except OperationalError:
            alive = False
        time.sleep(0.01)
    assert alive
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(name=heartbeat.name).exists()
