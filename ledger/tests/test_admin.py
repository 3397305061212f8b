"""Admin of the ledger: assets through the service; accounts and journal entries read-only for everyone."""

from http import HTTPStatus

import pytest

from ledger.models import Account, Asset, JournalEntry, JournalLine
from ledger.tests.factories import fund
from loyalty.tests.admin_helpers import admin_url, count_queries, redeem
from loyalty.tests.factories import ProgramFactory
from participants.tests.factories import ParticipantFactory
from rewards.services import reversal_create
from rewards.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def _ledger_counts():
    return (Account.objects.count(), JournalEntry.objects.count(), JournalLine.objects.count())


def test_creating_an_asset_in_the_admin_creates_its_program_accounts(operator_client):
    # given
    program = ProgramFactory()

    # when
    response = operator_client.post(
        admin_url(Asset, "add"), {"program": str(program.pk), "code": "STARS", "name": "Stars", "scale": "0"}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    asset = Asset.objects.get(code="STARS")
    assert (asset.program_id, asset.name, asset.scale) == (program.id, "Stars", 0)
    assert set(Account.objects.filter(asset=asset).values_list("type", flat=True)) == {"ISSUANCE", "REDEMPTIONS", "EXPIRED"}


def test_an_asset_with_a_code_taken_in_its_program_is_refused_and_nothing_is_created(operator_client, asset):
    # given
    before = (Asset.objects.count(), Account.objects.count())

    # when
    response = operator_client.post(
        admin_url(Asset, "add"), {"program": str(asset.program_id), "code": asset.code, "name": "Again", "scale": "2"}
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors
    assert (Asset.objects.count(), Account.objects.count()) == before


def test_only_the_name_of_an_asset_changes_after_creation(operator_client, asset):
    # given
    original = (asset.program_id, asset.code, asset.scale)

    # when
    response = operator_client.post(
        admin_url(Asset, "change", asset.pk),
        {"program": str(ProgramFactory().pk), "code": "OTHER", "scale": "4", "name": "Renamed points"},
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    asset.refresh_from_db()
    assert asset.name == "Renamed points"
    assert (asset.program_id, asset.code, asset.scale) == original


def test_an_asset_cannot_be_deleted(superuser_client, asset):
    # when
    response = superuser_client.post(admin_url(Asset, "delete", asset.pk), {"post": "yes"})

    # then
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Asset.objects.filter(pk=asset.pk).exists()


@pytest.fixture
def ledger_rows(asset, participant):
    """An accrual: one entry, two lines, a wallet and the two program accounts."""
    fund(participant, asset, "50.00")
    entry = JournalEntry.objects.get()
    return {Account: Account.objects.get(type="WALLET"), JournalEntry: entry}


@pytest.mark.parametrize("who", ["operator_client", "superuser_client"])
@pytest.mark.parametrize("model", [Account, JournalEntry])
def test_nobody_may_add_change_or_delete_ledger_rows(request, ledger_rows, who, model):
    # given
    client = request.getfixturevalue(who)
    row = ledger_rows[model]
    before = _ledger_counts()
    wallet_balance = Account.objects.get(type="WALLET").balance

    # when
    add = client.get(admin_url(model, "add"))
    add_post = client.post(admin_url(model, "add"), {"kind": "ADJUSTMENT", "description": "x"})
    change = client.post(admin_url(model, "change", row.pk), {"description": "edited", "balance": "999"})
    delete = client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
    view = client.get(admin_url(model, "change", row.pk))

    # then
    assert [r.status_code for r in (add, add_post, change, delete)] == [HTTPStatus.FORBIDDEN] * 4
    assert view.status_code == HTTPStatus.OK
    assert _ledger_counts() == before
    assert Account.objects.get(type="WALLET").balance == wallet_balance
    assert JournalEntry.objects.get().description == ledger_rows[JournalEntry].description


def test_journal_entry_page_shows_its_lines_with_the_asset_scale(operator_client, ledger_rows):
    # given
    entry = ledger_rows[JournalEntry]

    # when
    response = operator_client.get(admin_url(JournalEntry, "change", entry.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    inline = response.context["inline_admin_formsets"][0]
    assert {line.direction for line in inline.formset.queryset} == {"DEBIT", "CREDIT"}
    assert response.content.decode().count("50.00") >= 2


def test_program_account_page_shows_its_derived_balance(operator_client, ledger_rows, asset):
    # given
    issuance = Account.objects.get(asset=asset, type="ISSUANCE")

    # when
    response = operator_client.get(admin_url(Account, "change", issuance.pk))

    # then
    assert response.status_code == HTTPStatus.OK
    assert "50.00" in response.content.decode()


def _movements(program, asset, count):
    """``count`` accruals, redemptions and reversals of different participants and rewards."""
    for i in range(count):
        participant = ParticipantFactory(programs=[program])
        reward = RewardFactory(asset=asset, name=f"Reward {i}")
        redemption = redeem(participant=participant, reward=reward, quantity=2, fund="100")
        reversal_create(redemption=redemption, quantity=1)


def test_journal_entry_changelist_runs_the_same_number_of_queries_for_3_or_30_rows(operator_client, program, asset):
    # given
    url = admin_url(JournalEntry, "changelist")
    _movements(program, asset, 1)  # 3 entries: accrual, redemption, reversal
    few = count_queries(operator_client, url)

    # when
    _movements(program, asset, 9)  # 30 entries
    many = count_queries(operator_client, url)

    # then
    assert JournalEntry.objects.count() == 30
    assert many == few


def test_account_changelist_runs_the_same_number_of_queries_for_few_or_many_rows(operator_client, program, asset):
    # given
    url = admin_url(Account, "changelist")
    _movements(program, asset, 1)
    few = count_queries(operator_client, url)

    # when
    _movements(program, asset, 9)
    many = count_queries(operator_client, url)

    # then
    assert Account.objects.count() == 13
    assert many == few


@pytest.mark.django_db
def test_the_journal_entries_csv_export_is_tenant_scoped(operator_client, program, asset, participant):
    # given: an entry of the operator's tenant and one of another tenant
    from ledger.models import JournalEntry
    from ledger.tests.factories import AssetFactory, fund
    from loyalty.tests.admin_helpers import admin_url
    from loyalty.tests.factories import ProgramFactory, TenantFactory
    from participants.tests.factories import ParticipantFactory

    mine = fund(participant, asset, "5.00").journal_entry_id
    other = AssetFactory(program=ProgramFactory(tenant=TenantFactory(name="Bravo Tea")))
    theirs = fund(ParticipantFactory(programs=[other.program]), other, "5.00").journal_entry_id

    # when
    response = operator_client.get(admin_url(JournalEntry, "changelist") + "export.csv")

    # then
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert str(mine) in text and str(theirs) not in text
