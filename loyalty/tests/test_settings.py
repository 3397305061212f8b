"""
Settings read from the environment: production refusals and security switches.

The module-level settings are computed once per process, so each case runs
``loyalty/settings.py`` in a fresh interpreter with a clean environment
(the test run's own overrides must not leak in) and reads the values back.
The in-process tests check what the test run's settings do to a request.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
POSTGRES_URL = "postgres://loyalty@db.example.com:5432/loyalty"


def production_env(**overrides) -> dict:
    """DEBUG off with what production needs, on PostgreSQL and a shared cache; ``None`` removes a variable."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "loyalty.example.com",
        "DATABASE_URL": POSTGRES_URL,
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def load_settings(env: dict, *names: str) -> subprocess.CompletedProcess:
    """Import loyalty.settings in a new interpreter; stdout is the JSON of the named settings."""
    code = (
        "import json, loyalty.settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {list(names)!r}}}, default=str))"
    )
    return subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def settings_of(env: dict, *names: str) -> dict:
    result = load_settings(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the TLS proxy header -------------------------------------------------------------


def test_the_proxy_ssl_header_is_off_unless_set():
    # when
    values = settings_of(production_env(), "SECURE_PROXY_SSL_HEADER")

    # then
    assert values == {"SECURE_PROXY_SSL_HEADER": None}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("X-Forwarded-Proto,https", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("HTTP_X_FORWARDED_PROTO", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("X-Forwarded-Ssl,on", ["HTTP_X_FORWARDED_SSL", "on"]),
    ],
)
def test_the_proxy_ssl_header_is_read_from_the_environment(value, expected):
    # when
    values = settings_of(production_env(SECURE_PROXY_SSL_HEADER=value), "SECURE_PROXY_SSL_HEADER")

    # then
    assert values == {"SECURE_PROXY_SSL_HEADER": expected}


@pytest.mark.django_db
def test_a_client_talking_to_the_app_directly_cannot_claim_https(client):
    # given: the test run's settings, read from the environment like production's
    assert settings.SECURE_PROXY_SSL_HEADER is None

    # when
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")

    # then: the header is not believed, so the plain-HTTP request is sent to HTTPS
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_behind_a_configured_proxy_its_header_marks_the_request_secure(client):
    # when
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        response = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")

    # then
    assert response.status_code == HTTPStatus.OK


# --- HSTS ----------------------------------------------------------------------------


def test_hsts_include_subdomains_and_preload_are_off_unless_set():
    # when
    values = settings_of(production_env(), "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")

    # then
    assert values == {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False}


def test_hsts_include_subdomains_and_preload_are_read_from_the_environment():
    # given
    env = production_env(SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true")

    # when
    values = settings_of(env, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")

    # then
    assert values == {"SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}


@pytest.mark.django_db
def test_the_hsts_header_names_no_subdomains_and_no_preload_by_default(client):
    # when: the test run's settings (DEBUG off, the HSTS switches unset), HSTS itself turned on
    with override_settings(SECURE_HSTS_SECONDS=3600):
        response = client.get("/healthz", secure=True)

    # then
    assert response["Strict-Transport-Security"] == "max-age=3600"


# --- the database in production ---------------------------------------------------------


def test_with_debug_off_the_app_refuses_to_start_without_a_postgresql_database_url():
    # when
    result = load_settings(production_env(DATABASE_URL=None), "DATABASES")

    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOW_SQLITE_IN_PRODUCTION" in result.stderr


def test_with_debug_off_sqlite_is_allowed_only_when_said_explicitly():
    # when
    values = settings_of(production_env(DATABASE_URL=None, ALLOW_SQLITE_IN_PRODUCTION="true"), "DATABASES")

    # then
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_with_debug_on_the_embedded_sqlite_database_needs_no_switch():
    # when
    values = settings_of(production_env(DATABASE_URL=None, DEBUG="true"), "DATABASES")

    # then
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


# --- the rate limits' cache in production ---------------------------------------------------


def test_with_debug_off_the_app_refuses_to_start_with_a_per_process_cache():
    # when
    result = load_settings(production_env(CACHE_URL=None), "CACHES")

    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "RATE_LIMIT_PER_PROCESS" in result.stderr


def test_a_per_process_cache_in_production_is_allowed_only_when_said_explicitly():
    # when
    values = settings_of(production_env(CACHE_URL=None, RATE_LIMIT_PER_PROCESS="true"), "CACHES")

    # then
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("dbcache://rate_limit_cache", "django.core.cache.backends.db.DatabaseCache"),
    ],
)
def test_a_shared_cache_needs_no_switch(url, backend):
    # when
    values = settings_of(production_env(CACHE_URL=url, CACHE_KEY_PREFIX="loyalty"), "CACHES")

    # then
    assert values["CACHES"]["default"]["BACKEND"] == backend
    assert values["CACHES"]["default"]["KEY_PREFIX"] == "loyalty"


def test_a_redis_cache_does_not_wait_long_for_a_redis_that_does_not_answer():
    # when
    values = settings_of(production_env(), "CACHES")

    # then
    assert values["CACHES"]["default"]["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


# --- the read replica ---------------------------------------------------------------------


def test_database_replica_url_adds_the_replica_alias_with_the_primarys_options():
    # when
    values = settings_of(
        production_env(DATABASE_REPLICA_URL="postgres://loyalty@replica.example.com:5432/loyalty"), "DATABASES"
    )

    # then
    replica, default = values["DATABASES"]["replica"], values["DATABASES"]["default"]
    assert (replica["HOST"], replica["ENGINE"]) == ("replica.example.com", "django.db.backends.postgresql")
    assert replica["OPTIONS"] == {**default["OPTIONS"], "connect_timeout": 2}
    assert replica["TEST"] == {"MIRROR": "default"}


def test_without_database_replica_url_there_is_no_replica_alias():
    # when
    values = settings_of(production_env(), "DATABASES")

    # then
    assert set(values["DATABASES"]) == {"default"}


def test_a_replica_needs_a_postgresql_primary():
    # when
    result = load_settings(
        production_env(DATABASE_URL=None, ALLOW_SQLITE_IN_PRODUCTION="true", DATABASE_REPLICA_URL=POSTGRES_URL),
        "DATABASES",
    )

    # then
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL" in result.stderr
