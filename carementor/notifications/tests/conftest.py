import pytest


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run on_commit callbacks (the e-mail task) as the block exits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
