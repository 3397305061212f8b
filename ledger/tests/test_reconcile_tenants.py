"""
``reconcile``'s tenants check: no row mixes tenants.

Its rules come from the models (one per link between two tenant-owned
models, ``ledger.reconciliation.checks_tenants``). For each rule, one row of
tenant A is moved to tenant B around the application (raw SQL; on
PostgreSQL with the guards off for the test): the check names exactly the
rules that row now breaks (its own links, and the links of the rows that
point at it), with the row's id, and nothing else fails. Runs on both
databases.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from ledger.reconciliation.checks_tenants import Link, tenant_links
from ledger.tests.test_reconcile import examples_of, ledger_guards_off, raw, reconcile_json, table, uuid_param
from loyalty.services import api_key_create
from participants.services import accrual_reversal_create
from rewards.services import reversal_create
from tests.tenancy import two_tenants

pytestmark = pytest.mark.django_db

RULES = [link.issue for link in tenant_links()]


@pytest.fixture
def worlds():
    """Tenants A and B; A also has a key scoped to its program, a reversal recorded by a key and a clawback."""
    a, b = two_tenants()
    accrual_reversal_create(accrual=a.accrual, amount=Decimal("1.00"))
    api_key_create(name="Alpha shop", program_ids=[a.program.id])
    reversal_create(redemption=a.redemption, quantity=1, api_key=a.api_key, idempotency_key="reverse-2")
    return a, b


def a_row(link: Link, tenant):
    """A row of tenant ``tenant`` that ``link`` applies to (its foreign key set, or its many-to-many not empty)."""
    rows = link.model.objects.filter(tenant=tenant)
    if link.field.many_to_many:
        rows = rows.filter(**{f"{link.field.name}__isnull": False})
    else:
        rows = rows.exclude(**{f"{link.field.name}__isnull": True})
    row = rows.order_by("pk").first()
    assert row is not None, f"give tenant A a {link.model.__name__} with {link.field.name} for {link.issue}"
    return row


def rules_broken_by_moving(row) -> set[str]:
    """The rules a row breaks once it alone is of another tenant: its own links and the links pointing at it."""
    broken = set()
    for link in tenant_links():
        if isinstance(row, link.model):
            value = getattr(row, link.field.name)
            if (value.exists() if link.field.many_to_many else value is not None):
                broken.add(link.issue)
        if link.field.related_model is type(row):
            pointing = link.model.objects.filter(**{link.field.name: row}).exclude(pk=row.pk)
            if pointing.exists():
                broken.add(link.issue)
    return broken


def move_to_tenant(row, tenant) -> None:
    """Give one row another tenant by raw SQL (the guards would refuse an entry or a line otherwise)."""
    with ledger_guards_off():
        raw(
            f"UPDATE {table(type(row))} SET tenant_id = %s WHERE {connection.ops.quote_name(row._meta.pk.column)} = %s",
            uuid_param(tenant.id),
            uuid_param(row.pk) if not isinstance(row.pk, int) else row.pk,
        )


def test_two_tenants_side_by_side_reconcile_clean(worlds):
    # when
    outcome = reconcile_json()

    # then
    assert outcome.code == 0, outcome.out
    assert outcome.check("tenants")["discrepancies"] == 0


def test_the_rules_cover_every_table_that_carries_a_tenant_and_points_at_another():
    # then: what the issue names (entries, lines, counters, idempotency records, movements, ...)
    assert {
        "journalentry_program_of_other_tenant",
        "journalline_entry_of_other_tenant",
        "journalline_account_of_other_tenant",
        "participantrewardcount_reward_of_other_tenant",
        "participantrewardcount_participant_of_other_tenant",
        "idempotencyrecord_program_of_other_tenant",
        "accrual_participant_of_other_tenant",
        "redemption_program_of_other_tenant",
        "reversal_redemption_of_other_tenant",
        "enrollment_program_of_other_tenant",
        "reward_asset_of_other_tenant",
        "asset_program_of_other_tenant",
        "account_participant_of_other_tenant",
        "apikey_programs_of_other_tenant",
    } <= set(RULES)


@pytest.mark.parametrize("issue", RULES)
def test_a_row_moved_to_another_tenant_is_named_by_the_tenants_check(worlds, issue):
    # given
    a, b = worlds
    link = next(link for link in tenant_links() if link.issue == issue)
    row = a_row(link, a.tenant)
    expected = rules_broken_by_moving(row)
    move_to_tenant(row, b.tenant)

    # when
    outcome = reconcile_json("--examples", "50")

    # then
    assert outcome.code == 1, outcome.out
    assert outcome.failed == {"tenants"}, outcome.out
    check = outcome.check("tenants")
    assert set(check["by_issue"]) == expected
    assert issue in expected
    found = examples_of(check, issue)
    ids = {example["id"] for example in found} | {example["related_id"] for example in found}
    assert str(row.pk) in ids
    assert all(str(b.tenant.id) in (example["expected"], example["actual"]) for example in found)


def test_a_program_reconciled_alone_reports_only_its_own_rows(worlds):
    # given: B's redemption moved to A's tenant
    a, b = worlds
    move_to_tenant(b.redemption, a.tenant)

    # when
    alone_a = reconcile_json("--program", str(a.program.id))
    alone_b = reconcile_json("--program", str(b.program.id))

    # then
    assert alone_a.code == 0, alone_a.out
    assert alone_b.code == 1
    assert "redemption_program_of_other_tenant" in alone_b.check("tenants")["by_issue"]
