"""The RQ retry policy: the first retry at once, later ones backing off."""

from carementor.lib.tasks_rq import is_retry, retry_policy


def test_failed_tasks_retry_at_once_then_back_off(settings):
    settings.CAREMENTOR_TASK_RETRIES = 3
    policy = retry_policy()
    assert policy.max == 3
    assert policy.intervals == [0, 60, 300]


def test_retries_can_be_switched_off(settings):
    settings.CAREMENTOR_TASK_RETRIES = 0
    assert retry_policy() is None


def test_outside_an_rq_job_nothing_is_a_retry():
    assert is_retry() is False
