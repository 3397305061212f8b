"""journal_entry_post, the ledger's only writer, and asset_create."""

from decimal import Decimal

import pytest
from django.db import transaction

from ledger.models import Account, JournalEntry, JournalLine
from ledger.selectors import account_balance_get, program_account_get
from ledger.services import CREDIT, DEBIT, Line, asset_create, journal_entry_post
from ledger.tests.factories import AssetFactory, fund
from loyalty.errors import LedgerInvariantViolation
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.tests.factories import ParticipantFactory
from rewards.services import redemption_create_direct, reversal_create
from tests.ledger_checks import assert_ledger_consistent, world_snapshot

pytestmark = pytest.mark.django_db

ADJUSTMENT = JournalEntry.Kind.ADJUSTMENT


@pytest.fixture
def wallet(participant, asset):
    fund(participant, asset, "100.00")
    return Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)


@pytest.fixture
def issuance(asset):
    return program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)


@pytest.fixture
def redemptions(asset):
    return program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS)


def post(program, lines, assets, *, tenant_id=None):
    return journal_entry_post(
        tenant_id=tenant_id or program.tenant_id,
        program_id=program.id,
        kind=ADJUSTMENT,
        description="adjustment",
        lines=lines,
        assets=assets,
    )


def refused(program, lines, assets) -> LedgerInvariantViolation:
    with pytest.raises(LedgerInvariantViolation) as exc:
        post(program, lines, assets)
    return exc.value


def test_posting_a_balanced_entry_writes_the_entry_with_its_lines(program, asset, wallet, issuance):
    # given
    entries = JournalEntry.objects.count()

    # when
    entry = post(program, [Line(issuance, DEBIT, Decimal("5.00")), Line(wallet, CREDIT, Decimal("5.00"))], [asset])

    # then
    assert JournalEntry.objects.count() == entries + 1
    assert sorted(entry.lines.values_list("account_id", "direction", "amount")) == sorted(
        [(issuance.id, "DEBIT", Decimal("5.00")), (wallet.id, "CREDIT", Decimal("5.00"))]
    )
    assert (entry.program_id, entry.kind, entry.reverses_id) == (program.id, ADJUSTMENT, None)


@pytest.mark.parametrize("count", [0, 1])
def test_posting_refuses_an_entry_with_fewer_than_two_lines(program, asset, wallet, count):
    # given
    before = world_snapshot()
    lines = [Line(wallet, CREDIT, Decimal("5.00"))][:count]

    # when
    error = refused(program, lines, [asset])

    # then
    assert "at least two lines" in error.message
    assert world_snapshot() == before


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "NaN", "Infinity"])
def test_posting_refuses_an_amount_that_is_not_positive_and_finite(program, asset, wallet, issuance, amount):
    # given
    before = world_snapshot()

    # when
    error = refused(program, [Line(issuance, DEBIT, Decimal(amount)), Line(wallet, CREDIT, Decimal(amount))], [asset])

    # then
    assert "must be positive" in error.message
    assert world_snapshot() == before


def test_posting_refuses_a_float_amount(program, asset, wallet, issuance):
    # given
    before = world_snapshot()

    # when
    error = refused(program, [Line(issuance, DEBIT, 5.0), Line(wallet, CREDIT, 5.0)], [asset])

    # then
    assert "must be Decimal" in error.message
    assert world_snapshot() == before


def test_posting_refuses_lines_of_another_program(program, asset, wallet):
    # given
    other_asset = AssetFactory(program=ProgramFactory())
    other_issuance = program_account_get(asset_id=other_asset.id, type=Account.Type.ISSUANCE)
    before = world_snapshot()

    # when
    error = refused(
        program,
        [Line(other_issuance, DEBIT, Decimal("5.00")), Line(wallet, CREDIT, Decimal("5.00"))],
        [asset, other_asset],
    )

    # then
    assert "must belong to the entry's program" in error.message
    assert world_snapshot() == before


def test_posting_refuses_lines_of_another_tenant_than_the_entry(program, asset, wallet, issuance):
    # given
    other_tenant = TenantFactory()
    before = world_snapshot()

    # when
    with pytest.raises(LedgerInvariantViolation) as exc:
        post(
            program,
            [Line(issuance, DEBIT, Decimal("5.00")), Line(wallet, CREDIT, Decimal("5.00"))],
            [asset],
            tenant_id=other_tenant.id,
        )

    # then
    assert "must belong to the entry's tenant" in exc.value.message
    assert world_snapshot() == before


def test_a_posted_entry_and_its_lines_carry_the_programs_tenant(program, asset, wallet, issuance):
    # when
    entry = post(program, [Line(issuance, DEBIT, Decimal("5.00")), Line(wallet, CREDIT, Decimal("5.00"))], [asset])

    # then
    assert JournalEntry.objects.get(id=entry.id).tenant_id == program.tenant_id
    assert set(entry.lines.values_list("tenant_id", flat=True)) == {program.tenant_id}


@pytest.mark.parametrize(("scale", "amount"), [(0, "1.5"), (2, "1.001"), (4, "0.00001")])
def test_posting_refuses_more_decimal_places_than_the_asset_scale(program, scale, amount):
    # given
    asset = AssetFactory(program=program, scale=scale)
    participant = ParticipantFactory(programs=[program])
    fund(participant, asset, "10")
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)
    before = world_snapshot()

    # when
    error = refused(program, [Line(issuance, DEBIT, Decimal(amount)), Line(wallet, CREDIT, Decimal(amount))], [asset])

    # then
    assert f"more than {scale} decimal places" in error.message
    assert world_snapshot() == before


def test_posting_accepts_trailing_zeros_beyond_the_scale(program, asset, wallet, issuance):
    # given
    balance = wallet.balance

    # when
    post(program, [Line(issuance, DEBIT, Decimal("1.5000")), Line(wallet, CREDIT, Decimal("1.5000"))], [asset])

    # then
    wallet.refresh_from_db()
    assert wallet.balance == balance + Decimal("1.50")


def test_posting_refuses_debits_that_differ_from_credits(program, asset, wallet, issuance):
    # given
    before = world_snapshot()

    # when
    error = refused(program, [Line(issuance, DEBIT, Decimal("5.00")), Line(wallet, CREDIT, Decimal("4.99"))], [asset])

    # then
    assert f"Debits and credits differ for asset(s) {asset.id}" in error.message
    assert world_snapshot() == before


def test_posting_refuses_an_entry_balanced_in_total_but_not_for_each_asset(
    program, participant, asset, wallet, issuance
):
    # given: debit 5 of one asset and credit 5 of another
    second = AssetFactory(program=program)
    fund(participant, second, "1.00")
    second_wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=second)
    before = world_snapshot()

    # when
    error = refused(
        program,
        [Line(issuance, DEBIT, Decimal("5.00")), Line(second_wallet, CREDIT, Decimal("5.00"))],
        [asset, second],
    )

    # then
    assert str(asset.id) in error.message and str(second.id) in error.message
    assert world_snapshot() == before


def test_posting_refuses_an_entry_unbalanced_for_one_of_two_assets(program, participant, asset, wallet, issuance):
    # given
    second = AssetFactory(program=program)
    fund(participant, second, "1.00")
    second_wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=second)
    second_issuance = program_account_get(asset_id=second.id, type=Account.Type.ISSUANCE)
    before = world_snapshot()

    # when
    error = refused(
        program,
        [
            Line(issuance, DEBIT, Decimal("5.00")),
            Line(wallet, CREDIT, Decimal("5.00")),
            Line(second_issuance, DEBIT, Decimal("2.00")),
            Line(second_wallet, CREDIT, Decimal("1.00")),
        ],
        [asset, second],
    )

    # then
    assert error.message == f"Debits and credits differ for asset(s) {second.id}."
    assert world_snapshot() == before


def test_posting_an_entry_balanced_for_each_of_two_assets_moves_both_wallets(
    program, participant, asset, wallet, issuance
):
    # given
    second = AssetFactory(program=program)
    fund(participant, second, "1.00")
    second_wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=second)
    second_issuance = program_account_get(asset_id=second.id, type=Account.Type.ISSUANCE)

    # when
    post(
        program,
        [
            Line(issuance, DEBIT, Decimal("5.00")),
            Line(wallet, CREDIT, Decimal("5.00")),
            Line(second_wallet, DEBIT, Decimal("0.25")),
            Line(second_issuance, CREDIT, Decimal("0.25")),
        ],
        [asset, second],
    )

    # then
    wallet.refresh_from_db()
    second_wallet.refresh_from_db()
    assert (wallet.balance, second_wallet.balance) == (Decimal("105.00"), Decimal("0.75"))
    assert_ledger_consistent(lots=False)  # a raw entry of the ledger: no lot moved with it


def test_posting_moves_the_stored_wallet_balance_in_the_callers_transaction(program, asset, wallet, issuance):
    # given
    before = world_snapshot()

    # when: the caller's transaction rolls back after the post
    with transaction.atomic():
        post(program, [Line(issuance, DEBIT, Decimal("7.00")), Line(wallet, CREDIT, Decimal("7.00"))], [asset])
        inside = Account.objects.get(id=wallet.id).balance
        transaction.set_rollback(True)

    # then: inside it the balance had moved; the rollback took it back with the entry
    assert inside == Decimal("107.00")
    assert world_snapshot() == before


def test_posting_updates_the_callers_wallet_object(program, asset, wallet, issuance):
    # given
    updated_at = wallet.updated_at

    # when
    post(program, [Line(wallet, DEBIT, Decimal("30.00")), Line(issuance, CREDIT, Decimal("30.00"))], [asset])

    # then
    assert wallet.balance == Decimal("70.00") == Account.objects.get(id=wallet.id).balance
    assert wallet.updated_at > updated_at


def test_posting_refuses_to_take_a_wallet_below_zero(program, asset, wallet, redemptions):
    # given
    before = world_snapshot()

    # when: the caller's transaction rolls back on the error, as in_transaction does
    with pytest.raises(LedgerInvariantViolation) as exc, transaction.atomic():
        post(program, [Line(wallet, DEBIT, Decimal("100.01")), Line(redemptions, CREDIT, Decimal("100.01"))], [asset])

    # then
    assert "below zero" in exc.value.message
    assert world_snapshot() == before


def test_posting_looks_up_assets_the_caller_did_not_pass(program, asset, wallet, issuance):
    # given
    balance = wallet.balance

    # when
    post(program, [Line(issuance, DEBIT, Decimal("1.00")), Line(wallet, CREDIT, Decimal("1.00"))], [])

    # then
    wallet.refresh_from_db()
    assert wallet.balance == balance + 1


def test_program_accounts_keep_a_null_balance_derived_by_aggregate(program, participant, asset):
    # given
    fund(participant, asset, "100.00")
    fund(participant, asset, "50.50")
    redemption = redemption_create_direct(
        program=program, participant=participant, asset=asset, amount=Decimal("30.00")
    ).record
    reversal_create(redemption=redemption, amount=Decimal("10.25"))
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)
    redemptions = program_account_get(asset_id=asset.id, type=Account.Type.REDEMPTIONS)
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant)

    # when
    balances = [account_balance_get(account=a) for a in (issuance, redemptions, wallet)]

    # then
    assert (issuance.balance, redemptions.balance) == (None, None)
    assert balances == [Decimal("150.50"), Decimal("19.75"), Decimal("130.75")]
    assert balances[0] == balances[1] + balances[2]


def test_a_program_account_without_lines_has_a_zero_balance(asset):
    # given
    issuance = program_account_get(asset_id=asset.id, type=Account.Type.ISSUANCE)

    # when
    balance = account_balance_get(account=issuance)

    # then
    assert balance == Decimal(0)


def test_creating_an_asset_creates_its_three_program_accounts_with_null_balances(program):
    # when
    asset = asset_create(program=program, code="MILES", name="Miles", scale=0)

    # then
    assert sorted(Account.objects.filter(asset=asset).values_list("type", "participant_id", "balance")) == [
        ("EXPIRED", None, None),
        ("ISSUANCE", None, None),
        ("REDEMPTIONS", None, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_posting_outside_a_transaction_is_refused(program, asset, wallet, issuance):
    # given
    before = world_snapshot()

    # when
    error = refused(program, [Line(issuance, DEBIT, Decimal("1.00")), Line(wallet, CREDIT, Decimal("1.00"))], [asset])

    # then
    assert "must run inside a transaction" in error.message
    assert world_snapshot() == before
    assert JournalLine.objects.count() == before["lines"]
