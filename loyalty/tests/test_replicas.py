"""
The reporting alias (loyalty/replicas.py): the primary without a replica, and
when the replica does not answer (a real closed port); the answer is cached
briefly; ``reconcile --replica`` without a replica is a usage error. The
reads on a real streaming replica are in tests/test_read_replica.py.
"""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from loyalty import replicas
from tests.replica import free_port, replica_alias


@pytest.fixture
def closed_port_replica(db):
    with replica_alias(host="127.0.0.1", port=free_port()):
        yield


def test_without_a_replica_reporting_reads_use_the_primary(db):
    # when
    seen = replicas.read_with_fallback(lambda alias: alias)

    # then
    assert (replicas.replica_configured(), replicas.reporting_alias(), seen) == (False, DEFAULT_DB_ALIAS, "default")


@pytest.mark.postgres
def test_a_replica_that_does_not_answer_is_skipped_logged_once_and_remembered(closed_port_replica, caplog):
    # when
    with caplog.at_level(logging.WARNING, logger="loyalty.replicas"):
        aliases = [replicas.reporting_alias() for _ in range(3)]
        seen = replicas.read_with_fallback(lambda alias: alias)

    # then
    assert replicas.replica_configured()
    assert aliases == [DEFAULT_DB_ALIAS] * 3 and seen == DEFAULT_DB_ALIAS
    assert replicas.health.known() is False
    assert len([record for record in caplog.records if record.name == "loyalty.replicas"]) == 1


@pytest.mark.postgres
def test_the_replica_is_tried_again_once_its_state_is_older_than_the_check_interval(closed_port_replica, monkeypatch):
    # given
    replicas.reporting_alias()
    monkeypatch.setattr(replicas, "HEALTH_CHECK_SECONDS", 0.0)

    # when
    state = replicas.health.known()

    # then: unknown again, so the next reporting read checks the replica anew
    assert state is None


@pytest.mark.django_db
def test_reconcile_with_replica_but_no_replica_configured_is_a_usage_error():
    # when
    with pytest.raises(CommandError) as exc:
        call_command("reconcile", "--replica")

    # then
    assert exc.value.returncode == 2
    assert "DATABASE_REPLICA_URL is not set" in str(exc.value)
