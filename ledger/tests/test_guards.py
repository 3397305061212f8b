"""
The PostgreSQL guards of the ledger, each proved by going around the ORM's
and the service's checks (raw SQL, ``QuerySet.update()``, ``bulk_create``)
and seeing the database itself refuse.

The balance trigger is ``DEFERRABLE INITIALLY DEFERRED``: it fires at commit.
Inside a test's transaction ``SET CONSTRAINTS ALL IMMEDIATE`` fires it on the
spot; one test also proves it at a real commit.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.selectors import program_account_get
from ledger.tests.factories import AssetFactory, fund
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.tests.factories import ParticipantFactory
from tests.ledger_checks import assert_ledger_consistent, world_snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

RESTRICT_VIOLATION = "23001"
CHECK_VIOLATION = "23514"


def sqlstate(exc_info) -> str:
    return exc_info.value.__cause__.sqlstate


@pytest.fixture
def entry(participant, asset):
    """A journal entry (an accrual) posted by the service."""
    return fund(participant, asset, "100.00").journal_entry


@pytest.fixture
def accounts(participant, asset, entry):
    return {
        "wallet": Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset),
        "issuance": program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE),
        "redemptions": program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS),
    }


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def check_deferred_constraints_now():
    raw("SET CONSTRAINTS ALL IMMEDIATE")


def settle_the_fixtures_entries():
    """Run the checks the fixture's entries queued (while their accounts are intact), then defer again."""
    check_deferred_constraints_now()
    raw("SET CONSTRAINTS ALL DEFERRED")


def new_entry(program, **fields):
    fields.setdefault("tenant_id", program.tenant_id)
    return JournalEntry.objects.create(program=program, kind=JournalEntry.Kind.ADJUSTMENT, description="test", **fields)


def line(entry, account, direction, amount, *, asset_id=None, tenant_id=None):
    return JournalLine(
        tenant_id=tenant_id or entry.tenant_id,
        entry=entry,
        account=account,
        asset_id=asset_id or account.asset_id,
        direction=direction,
        amount=Decimal(amount),
    )


# --- immutability ------------------------------------------------------------------


def test_database_refuses_an_update_of_a_journal_entry_by_raw_sql(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_journalentry SET description = 'edited' WHERE id = %s", [entry.id])

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "ledger rows are immutable: UPDATE on ledger_journalentry refused" in str(exc.value)
    assert JournalEntry.objects.get(id=entry.id).description == entry.description
    assert world_snapshot() == before


def test_database_refuses_an_update_of_a_journal_entry_through_queryset_update(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        JournalEntry.objects.filter(id=entry.id).update(description="edited")

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "UPDATE on ledger_journalentry refused" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_an_update_of_a_journal_line_by_raw_sql(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_journalline SET amount = amount + 1 WHERE entry_id = %s", [entry.id])

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "ledger rows are immutable: UPDATE on ledger_journalline refused" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_an_update_of_a_journal_line_through_queryset_update(entry):
    # given
    before = world_snapshot()
    amounts = sorted(JournalLine.objects.filter(entry=entry).values_list("amount", flat=True))

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        JournalLine.objects.filter(entry=entry).update(amount=Decimal("1.00"))

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "UPDATE on ledger_journalline refused" in str(exc.value)
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("amount", flat=True)) == amounts
    assert world_snapshot() == before


def test_database_refuses_a_delete_of_a_journal_entry_by_raw_sql(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("DELETE FROM ledger_journalentry WHERE id = %s", [entry.id])

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "ledger rows are immutable: DELETE on ledger_journalentry refused" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_delete_of_a_journal_entry_through_a_queryset_bypassing_django_protect(entry):
    # given: QuerySet.delete() would stop at PROTECT; _raw_delete sends the DELETE as is
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        JournalEntry.objects.filter(id=entry.id)._raw_delete(connection.alias)

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "DELETE on ledger_journalentry refused" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_delete_of_a_journal_line_by_raw_sql(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("DELETE FROM ledger_journalline WHERE entry_id = %s", [entry.id])

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "ledger rows are immutable: DELETE on ledger_journalline refused" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_delete_of_a_journal_line_through_queryset_delete(entry):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        JournalLine.objects.filter(entry=entry).delete()

    # then
    assert sqlstate(exc) == RESTRICT_VIOLATION
    assert "DELETE on ledger_journalline refused" in str(exc.value)
    assert world_snapshot() == before


# --- the deferred balance check ----------------------------------------------------------


def test_database_refuses_an_unbalanced_entry_when_deferred_checks_run(program, accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [line(entry, accounts["issuance"], "DEBIT", "10.00"), line(entry, accounts["wallet"], "CREDIT", "9.99")]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert f"does not balance for asset {accounts['wallet'].asset_id}" in str(exc.value)
    assert world_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_unbalanced_entry_at_commit(program, accounts):
    # given
    before = world_snapshot()

    # when: the lines are inserted fine; the COMMIT is what fails
    with pytest.raises(IntegrityError) as exc:
        with transaction.atomic():
            entry = new_entry(program)
            JournalLine.objects.bulk_create(
                [line(entry, accounts["issuance"], "DEBIT", "10.00"), line(entry, accounts["wallet"], "CREDIT", "5.00")]
            )
            inserted_before_commit = JournalLine.objects.filter(entry=entry).count()

    # then
    assert inserted_before_commit == 2
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "does not balance" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_an_entry_with_one_line(program, accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create([line(entry, accounts["issuance"], "DEBIT", "10.00")])
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "has 1 line(s); at least two are required" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_an_entry_with_no_lines(program, accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        new_entry(program)
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "has 0 line(s)" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_line_whose_account_belongs_to_another_program(program, accounts):
    # given: a balanced pair of lines, one on a wallet of another program
    other_asset = AssetFactory(program=ProgramFactory())
    outsider = ParticipantFactory(programs=[other_asset.program])
    fund(outsider, other_asset, "10.00")
    foreign_wallet = Account.objects.get(type=Account.Type.WALLET, participant=outsider)
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [
                line(entry, accounts["issuance"], "DEBIT", "1.00", asset_id=foreign_wallet.asset_id),
                line(entry, foreign_wallet, "CREDIT", "1.00"),
            ]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "has a line whose account is of another asset or program" in str(exc.value)
    assert world_snapshot() == before


# --- tenants (migration 0005): no entry mixes tenants ------------------------------------


def test_database_refuses_a_line_of_another_tenant_than_its_entry(program, accounts):
    # given: a balanced pair of lines on the entry's own accounts, one line claiming another tenant
    other = TenantFactory()
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [
                line(entry, accounts["issuance"], "DEBIT", "1.00"),
                line(entry, accounts["wallet"], "CREDIT", "1.00", tenant_id=other.id),
            ]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "has a line or an account of another tenant" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_line_on_an_account_of_another_tenant(program, accounts):
    # given: the wallet moved to another tenant by raw SQL (accounts have no immutability trigger)
    other = TenantFactory()
    settle_the_fixtures_entries()
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_account SET tenant_id = %s WHERE id = %s", [other.id, accounts["wallet"].id])
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [line(entry, accounts["issuance"], "DEBIT", "1.00"), line(entry, accounts["wallet"], "CREDIT", "1.00")]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "has a line or an account of another tenant" in str(exc.value)
    assert Account.objects.get(id=accounts["wallet"].id).tenant_id == program.tenant_id
    assert world_snapshot() == before


def test_database_refuses_an_entry_of_another_tenant_than_its_program(program, accounts):
    # given: the entry, its lines and their accounts all claim another tenant than the program's
    other = TenantFactory()
    pair = [accounts["issuance"].id, accounts["wallet"].id]
    settle_the_fixtures_entries()
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_account SET tenant_id = %s WHERE id = ANY(%s)", [other.id, pair])
        entry = new_entry(program, tenant_id=other.id)
        JournalLine.objects.bulk_create(
            [line(entry, accounts["issuance"], "DEBIT", "1.00"), line(entry, accounts["wallet"], "CREDIT", "1.00")]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "is of another tenant than its program" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_line_of_another_tenant_at_a_real_commit(transactional_db):
    # given: a funded wallet (no test transaction: the check runs at COMMIT)
    program = ProgramFactory()
    asset = AssetFactory(program=program)
    participant = ParticipantFactory(programs=[program])
    fund(participant, asset, "10.00")
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant)
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)
    other = TenantFactory()
    entries = JournalEntry.objects.count()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [line(entry, issuance, "DEBIT", "1.00", tenant_id=other.id), line(entry, wallet, "CREDIT", "1.00")]
        )

    # then
    assert "of another tenant" in str(exc.value)
    assert JournalEntry.objects.count() == entries


def test_database_refuses_a_line_whose_account_holds_another_asset(program, participant, asset, accounts):
    # given: a second asset of the same program; the line claims it, the account holds the first
    second = AssetFactory(program=program)
    second_issuance = program_account_get(asset_id=second.id, type=Account.Type.ISSUANCE)
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [
                line(entry, second_issuance, "DEBIT", "1.00"),
                line(entry, accounts["wallet"], "CREDIT", "1.00", asset_id=second.id),
            ]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "account is of another asset or program" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_an_entry_balanced_in_total_but_not_per_asset(program, participant, asset, accounts):
    # given: debit 5 of one asset, credit 5 of another
    second = AssetFactory(program=program)
    fund(participant, second, "5.00")
    second_wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=second)
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [line(entry, accounts["issuance"], "DEBIT", "5.00"), line(entry, second_wallet, "CREDIT", "5.00")]
        )
        check_deferred_constraints_now()

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "does not balance for asset" in str(exc.value)
    assert world_snapshot() == before


def test_a_balanced_entry_posted_by_the_service_passes_the_deferred_checks(program, participant, asset):
    # given
    entries = JournalEntry.objects.count()

    # when: the pending deferred checks of the service's entry run now
    fund(participant, asset, "12.34")
    check_deferred_constraints_now()

    # then
    assert JournalEntry.objects.count() == entries + 1


@pytest.mark.django_db(transaction=True)
def test_a_balanced_entry_posted_by_the_service_commits(program, participant, asset):
    # given
    entries = JournalEntry.objects.count()

    # when: the service runs its own durable transaction, so this is a real COMMIT
    accrual = fund(participant, asset, "12.34")

    # then
    assert JournalEntry.objects.count() == entries + 1
    assert JournalLine.objects.filter(entry_id=accrual.journal_entry_id).count() == 2
    assert_ledger_consistent()


# --- CHECK constraints -----------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0.00", "-1.00"])
def test_database_refuses_a_line_amount_that_is_not_positive(program, accounts, amount):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        entry = new_entry(program)
        JournalLine.objects.bulk_create(
            [line(entry, accounts["issuance"], "DEBIT", amount), line(entry, accounts["wallet"], "CREDIT", amount)]
        )

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "journal_line_amount_positive" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_negative_wallet_balance_through_queryset_update(accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Account.objects.filter(id=accounts["wallet"].id).update(balance=-1)

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "account_wallet_balance_non_negative" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_negative_wallet_balance_by_raw_sql(accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_account SET balance = balance - 100.01 WHERE id = %s", [accounts["wallet"].id])

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "account_wallet_balance_non_negative" in str(exc.value)
    assert world_snapshot() == before


def test_database_refuses_a_balance_on_a_program_account(accounts):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Account.objects.filter(id=accounts["issuance"].id).update(balance=0)

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "account_shape_by_type" in str(exc.value)
    assert world_snapshot() == before


@pytest.mark.parametrize("scale", [5, 9])
def test_database_refuses_an_asset_scale_above_four(asset, scale):
    # given
    before = world_snapshot()

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Asset.objects.filter(id=asset.id).update(scale=scale)

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert "asset_scale_0_4" in str(exc.value)
    assert Asset.objects.get(id=asset.id).scale == asset.scale
    assert world_snapshot() == before


def test_database_refuses_a_negative_asset_scale_by_raw_sql(asset):
    # given
    scale = asset.scale

    # when
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        raw("UPDATE ledger_asset SET scale = -1 WHERE id = %s", [asset.id])

    # then
    assert sqlstate(exc) == CHECK_VIOLATION
    assert Asset.objects.get(id=asset.id).scale == scale
