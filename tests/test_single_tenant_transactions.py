"""
No transaction touches two tenants (docs/tenancy.md): what makes the tenant a
shard key. PostgreSQL itself watches: a row trigger on every table that has a
``tenant_id`` records which tenants each transaction wrote, while two tenants
go through every service of ``tests/tenancy.py``'s world (enrolment, accrual,
catalog redemption, reversal, API keys) side by side.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction

from loyalty.tests.factories import ProgramFactory, TenantFactory
from tests.tenancy import two_tenants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def tenant_tables() -> list[str]:
    """Every table of the project whose model has a ``tenant`` foreign key."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if any(field.name == "tenant" for field in model._meta.concrete_fields)
    )


@pytest.fixture
def tenants_per_transaction():
    """The tenants each transaction wrote, from the database's own point of view."""
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_tx_tenant (txid bigint NOT NULL, tenant_id uuid NOT NULL)")
        cursor.execute("""
            CREATE FUNCTION test_record_tx_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO test_tx_tenant VALUES (txid_current(), NEW.tenant_id);
                RETURN NEW;
            END $$
        """)
        for table in tables:
            cursor.execute(
                f"CREATE TRIGGER test_record_tx_tenant AFTER INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_record_tx_tenant()"
            )

    def mixed() -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT txid, count(DISTINCT tenant_id) FROM test_tx_tenant GROUP BY txid "
                "HAVING count(DISTINCT tenant_id) > 1"
            )
            return cursor.fetchall()

    def writes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT txid) FROM test_tx_tenant")
            return cursor.fetchone()[0]

    mixed.writes = writes
    yield mixed
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TRIGGER test_record_tx_tenant ON {table}")
        cursor.execute("DROP FUNCTION test_record_tx_tenant()")
        cursor.execute("DROP TABLE test_tx_tenant")


def test_every_service_writes_one_tenant_per_transaction(tenants_per_transaction):
    # when
    two_tenants()

    # then
    assert tenants_per_transaction.writes() > 10
    assert tenants_per_transaction() == []


def test_a_transaction_writing_two_tenants_is_seen(tenants_per_transaction):
    # given
    first, second = TenantFactory(), TenantFactory()

    # when
    with transaction.atomic():
        ProgramFactory(tenant=first)
        ProgramFactory(tenant=second)

    # then
    assert len(tenants_per_transaction()) == 1
