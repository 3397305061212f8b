"""
The fault harness's fixtures: its own database and gunicorn server, set up
once for the module and always torn down (gunicorn is killed even when a
test fails). The figures are printed at the end of the run.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from tests.faults.harness import FIGURES, FaultDatabase, Server, free_port


def run_database_name() -> str:
    """The run's test database name as Django makes it (``test_<NAME>``), before or after it is set up."""
    default = settings.DATABASES["default"]
    name = default.get("TEST", {}).get("NAME") or default["NAME"]
    return name if name.startswith(TEST_DATABASE_PREFIX) else TEST_DATABASE_PREFIX + name


@pytest.fixture(scope="module")
def fault_database():
    # Named after the run's test database (FAULTS_DATABASE_NAME overrides), so parallel runs never share one.
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the fault harness needs PostgreSQL")
    database = FaultDatabase(
        host=default.get("HOST"), port=default.get("PORT"), user=default.get("USER") or "postgres",
        password=default.get("PASSWORD"), name=os.environ.get("FAULTS_DATABASE_NAME", f"{run_database_name()}_faults"),
    )
    database.recreate()
    database.seed_data = database.migrate_and_seed()
    yield database
    database.drop()


@pytest.fixture(scope="module")
def fault_server(fault_database, tmp_path_factory):
    server = Server(fault_database, port=free_port(), log_path=tmp_path_factory.mktemp("faults") / "gunicorn.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.write_sep("=", "fault harness figures")
    for name, figures in FIGURES.items():
        line = ", ".join(f"{key} {value}" for key, value in figures.items())
        terminalreporter.write_line(f"{name}: {line}")
