"""django-tasks on RQ, with retries: a job that fails (or whose worker dies) runs again after
a back-off, up to ``CAREMENTOR_TASK_RETRIES`` times. Tasks must therefore be idempotent
(they take ids and check state before acting)."""

from typing import Any

import django_rq
from django.conf import settings
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from rq import Retry
from rq.job import Callback, JobStatus

# The first retry is immediate (a job whose worker died should not wait), later ones back off.
BACKOFF_SECONDS = [0, 60, 300, 900]


def retry_policy() -> Retry | None:
    retries = int(getattr(settings, "CAREMENTOR_TASK_RETRIES", 3))
    if retries <= 0:
        return None
    return Retry(max=retries, interval=BACKOFF_SECONDS[:retries])


def is_retry() -> bool:
    """True inside a job RQ is running again because an earlier attempt failed or its worker
    died (RQ retries only once the earlier attempt has ended), so the task may take over
    what that attempt left half done. False on the first attempt and outside RQ."""
    from rq import get_current_job

    job = get_current_job()
    policy = retry_policy()
    if job is None or policy is None or job.retries_left is None:
        return False
    return int(job.retries_left) < int(policy.max)


class RetryingRQBackend(RQBackend):
    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        task_result: TaskResult = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=retry_policy(),
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
