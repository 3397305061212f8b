"""
``manage.py check --deploy`` with production settings: clean at warning level.

Run in a subprocess with a clean environment (the test run's own overrides
such as ``SECURE_SSL_REDIRECT=false`` must not leak in): DEBUG off, a long
random SECRET_KEY, ALLOWED_HOSTS set; everything else is the defaults of
loyalty/settings.py. The last tests prove the check is not blind: a weak
secret key is reported, and no secret key at all refuses to start.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def production_env(**overrides) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "loyalty.example.com",
        "CACHE_URL": "redis://127.0.0.1:6379/0",  # a shared cache for the rate limits (check does not connect)
    }
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:  # the SQLite test run: DEBUG off on SQLite must be said explicitly
        env["ALLOW_SQLITE_IN_PRODUCTION"] = "true"
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    # when
    result = check_deploy(production_env())

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_reports_a_weak_secret_key():
    # when
    result = check_deploy(production_env(SECRET_KEY="change-me"))

    # then
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_reports_hsts_turned_off():
    # when
    result = check_deploy(production_env(SECURE_HSTS_SECONDS="0"))

    # then
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.mark.slow
def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    # when
    result = check_deploy(production_env(SECRET_KEY=None))

    # then
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
