"""
The fault harness's fixtures: its own database and gunicorn server, set up
once for the module and always torn down (gunicorn is killed even when a
test fails). The figures are printed at the end of the run.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests.faults.harness import FIGURES, FaultDatabase, Server, free_port


@pytest.fixture(scope="module")
def fault_database(django_db_setup):
    # After django_db_setup, NAME is the test database's (test_loyalty_<name>, with pytest-xdist's
    # suffix): the harness's database is named after it, so parallel runs never share one.
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the fault harness needs PostgreSQL")
    database = FaultDatabase(
        host=default.get("HOST"), port=default.get("PORT"), user=default.get("USER") or "postgres",
        password=default.get("PASSWORD"), name=os.environ.get("FAULTS_DATABASE_NAME", f"{default['NAME']}_faults"),
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
