"""Fixtures of the cross-app tests: a real headless Chromium for the browser tests."""

from __future__ import annotations

import os

import pytest

from tests.browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_ARGS, WAIT_SECONDS


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless Chromium through Debian's chromedriver; skipped when they are missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: apt-get install chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    # Selenium Manager is not needed (both paths are given); keep it offline if it runs.
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, read by tests
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """
    A real streaming replica of the test run's PostgreSQL server (tests/replica.py),
    made once for the session after the test database exists, and destroyed at its end.
    """
    from django.conf import settings

    from tests.replica import ReplicaUnavailable, StreamingReplica

    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a streaming replica needs PostgreSQL")
    primary = {
        "host": default.get("HOST") or "127.0.0.1", "port": int(default.get("PORT") or 5432),
        "user": default.get("USER") or "postgres", "password": default.get("PASSWORD"),
    }
    try:
        replica = StreamingReplica(primary, name=default["NAME"])
    except ReplicaUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        replica.create()
        replica.start()
        replica.wait_caught_up()
    except ReplicaUnavailable as exc:
        replica.destroy()
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    except BaseException:
        replica.destroy()
        raise
    try:
        yield replica
    finally:
        replica.destroy()
