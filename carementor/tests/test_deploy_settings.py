"""Production settings pass Django's deployment checks and fail closed without a secret."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # Start from a clean slate: a developer's .env or CI variables must not leak in.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CAREMENTOR_", "DATABASE_", "PYTEST"))
    }
    alphabet = string.ascii_letters + string.digits + string.punctuation.replace("'", "")
    env.update(
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        DJANGO_ALLOWED_HOSTS="example.org",
        CAREMENTOR_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


def test_check_deploy_reports_nothing(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(production_env(tmp_path, DJANGO_SECRET_KEY=""), "check", "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_serves_nothing_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "-c", "import carementor.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_migrations_check_needs_no_secret(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_DEBUG"], env["DJANGO_SECRET_KEY"]
    result = manage(env, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_is_the_default_when_nothing_is_set(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_DEBUG"], env["DJANGO_SECRET_KEY"]
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_behind_a_proxy_sign_in_limits_use_the_client_address(tmp_path):
    env = production_env(tmp_path, DJANGO_BEHIND_PROXY="True")
    result = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER[0])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "HTTP_X_FORWARDED_PROTO"]
