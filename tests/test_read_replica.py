"""
Reporting reads on a REAL streaming replica (tests/replica.py): the
operator dashboard, the admin's change lists, ``trial_balance`` and
``reconcile --replica`` read it; the API reads the primary; with the replica
down those pages fall back to the primary.

How "reads go there" is proven: replay on the replica is paused, then a
redemption is made through the API. It now exists on the primary only, so a
page that does not show it read the replica, and the API, which shows it,
read the primary. Once replay resumes the same pages show it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ledger.models import JournalEntry
from ledger.reconciliation import trial_balance
from ledger.tests.factories import AssetFactory, fund
from loyalty import replicas
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption
from tests.replica import replica_alias

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def replica(streaming_replica, transactional_db):
    """The streaming replica registered as the "replica" alias (what DATABASE_REPLICA_URL does), caught up."""
    if not streaming_replica.running:
        streaming_replica.start()
    streaming_replica.resume_replay()
    streaming_replica.wait_caught_up()
    with replica_alias(host="127.0.0.1", port=streaming_replica.port):
        yield streaming_replica
    if streaming_replica.running:
        streaming_replica.resume_replay()


@dataclass
class Books:
    program: object
    asset: object
    participant: object
    replicated_id: str  # a redemption on both sides
    primary_only_id: str  # a redemption made while replay was paused


@pytest.fixture
def books(replica, make_client) -> Books:
    """One redemption replicated, then replay paused and a second redemption through the API."""
    program = ProgramFactory(name="Replicated Club")
    asset = AssetFactory(program=program, code="POINTS", scale=2)
    participant = ParticipantFactory(programs=[program])
    fund(participant, asset, "100.00")
    client = make_client(programs=[program])
    path = f"/api/v1/participants/{participant.id}/redemptions"
    body = {"program_id": str(program.id), "asset_id": str(asset.id), "amount": "10.00"}
    first = client.post(path, body)
    assert first.status_code == HTTPStatus.CREATED, first.content
    replica.wait_caught_up()
    replica.pause_replay()
    second = client.post(path, {**body, "amount": "15.00"})
    assert second.status_code == HTTPStatus.CREATED, second.content
    books = Books(program, asset, participant, first.json()["id"], second.json()["id"])
    books.client = client
    return books


def dashboard(client, program):
    response = client.get(reverse("admin:loyalty_program_dashboard", args=[program.pk]))
    assert response.status_code == HTTPStatus.OK
    return response.context["dashboard"]


def changelist_count(client, name: str) -> int:
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == HTTPStatus.OK
    return response.context["cl"].result_count


def redeemed_total(rows) -> Decimal:
    [row] = [row for row in rows if row.account_type == "REDEMPTIONS"]
    return row.balance


def reconcile_replica() -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("reconcile", "--replica", "--format", "json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_the_api_reads_the_primary_while_the_replica_lags(books):
    # when
    one = books.client.get(f"/api/v1/redemptions/{books.primary_only_id}")
    listed = books.client.get(f"/api/v1/participants/{books.participant.id}/redemptions")

    # then
    assert one.status_code == HTTPStatus.OK
    assert {item["id"] for item in listed.json()["results"]} == {books.replicated_id, books.primary_only_id}


def test_the_operator_dashboard_reads_the_replica(books, superuser_client, replica):
    # when
    lagging = dashboard(superuser_client, books.program)
    replica.resume_replay()
    replica.wait_caught_up()
    caught_up = dashboard(superuser_client, books.program)

    # then
    assert (lagging.days[-1].count, lagging.days[-1].points[books.asset.id]) == (1, Decimal("10.00"))
    assert (caught_up.days[-1].count, caught_up.days[-1].points[books.asset.id]) == (2, Decimal("25.00"))


def test_the_admin_change_lists_read_the_replica_and_the_change_page_the_primary(books, superuser_client):
    # when
    redemptions = changelist_count(superuser_client, "rewards_redemption")
    entries = changelist_count(superuser_client, "ledger_journalentry")
    change_page = superuser_client.get(reverse("admin:rewards_redemption_change", args=[books.primary_only_id]))

    # then: the primary holds 2 redemptions and 3 entries (the accrual and both redemptions)
    assert (Redemption.objects.count(), JournalEntry.objects.count()) == (2, 3)
    assert (redemptions, entries) == (1, 2)
    assert change_page.status_code == HTTPStatus.OK


def test_trial_balance_reads_the_replica(books):
    # when
    out = StringIO()
    call_command("trial_balance", stdout=out)
    rows = trial_balance(using=replicas.reporting_alias())

    # then
    assert replicas.reporting_alias() == replicas.REPLICA
    assert redeemed_total(rows) == Decimal("10.00")
    assert redeemed_total(trial_balance()) == Decimal("25.00")
    assert "10.00" in out.getvalue() and "25.00" not in out.getvalue()


def test_reconcile_with_replica_reads_the_replica_and_without_it_the_primary(books):
    # when
    replica_report, note = reconcile_replica()
    out = StringIO()
    call_command("reconcile", "--format", "json", stdout=out)
    primary_report = json.loads(out.getvalue())

    # then
    assert replica_report["ok"] and primary_report["ok"]
    assert [total["redemptions"] for total in replica_report["totals"]] == ["10.00"]
    assert [total["redemptions"] for total in primary_report["totals"]] == ["25.00"]
    assert note.startswith("Read from the read replica (last replayed transaction committed")


def test_with_the_replica_down_the_reporting_pages_fall_back_to_the_primary(books, superuser_client, replica, caplog):
    # given: the replica was healthy a moment ago (its state is cached), then its server stops
    assert replicas.reporting_alias() == replicas.REPLICA
    replica.stop()

    # when
    with caplog.at_level("WARNING", logger="loyalty.replicas"):
        board = dashboard(superuser_client, books.program)
        redemptions = changelist_count(superuser_client, "rewards_redemption")
        out = StringIO()
        call_command("trial_balance", stdout=out)
        report, note = reconcile_replica()

    # then: everything is the primary's (both redemptions), and the switch was logged once
    assert (board.days[-1].count, redemptions) == (2, 2)
    assert "25.00" in out.getvalue()
    assert [total["redemptions"] for total in report["totals"]] == ["25.00"]
    assert note.startswith("The read replica does not answer: read from the primary.")
    assert len([record for record in caplog.records if record.name == "loyalty.replicas"]) == 1
