"""The named cast every test can use, and browser-test plumbing."""

import os
import shutil

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's async loop and Django's sync ORM live side by side in browser tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium, never a downloaded browser."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CAREMENTOR_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (CAREMENTOR_REQUIRE_BROWSER=1) but not installed.")
        pytest.skip("Browser tests skipped: install Debian's chromium package to run them.")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
