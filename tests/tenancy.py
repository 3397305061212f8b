"""
Two tenants with the same shapes, for the tests that prove they never meet
(the API's isolation matrix, the admin walked as another tenant's operator,
reconciliation).

Each tenant gets a program with an asset, a participant whose external id
is ``cust-42`` in BOTH tenants (with its own name and e-mail), a funded
wallet (an accrual with an idempotency key), a reward, a redemption and a
reversal, a CODES reward with one code issued to a redemption (with the same idempotency keys in both tenants), and an API key
for all its programs. ``identifiers()`` lists what would betray the tenant
on a page or in a response: every id and every name or e-mail of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledger.models import Account, Asset, JournalEntry
from ledger.tests.factories import AssetFactory
from loyalty.models import ApiKey, IdempotencyRecord, Program, Tenant
from loyalty.services import api_key_create
from loyalty.tests.factories import ProgramFactory, TenantFactory
from participants.models import Accrual, Participant
from participants.services import accrual_create
from participants.tests.factories import ParticipantFactory
from rewards.models import Redemption, Reversal, Reward
from rewards.services import redemption_create_catalog, reversal_create, reward_codes_add
from rewards.tests.factories import RewardFactory

SHARED_EXTERNAL_ID = "cust-42"


@dataclass
class TenantWorld:
    tenant: Tenant
    program: Program
    asset: Asset
    participant: Participant
    wallet: Account
    accrual: Accrual
    reward: Reward
    redemption: Redemption
    reversal: Reversal
    api_key: ApiKey
    plain_key: str

    @property
    def entry(self) -> JournalEntry:
        return self.redemption.journal_entry

    def identifiers(self) -> set[str]:
        """Every id of the tenant's rows and every name or e-mail that is its own."""
        ids = {
            self.tenant.id, self.program.id, self.asset.id, self.participant.id, self.reward.id,
            self.redemption.id, self.reversal.id, self.accrual.id, self.api_key.id,
        }
        ids |= set(JournalEntry.objects.filter(tenant=self.tenant).values_list("id", flat=True))
        ids |= set(Account.objects.filter(tenant=self.tenant).values_list("id", flat=True))
        names = {
            self.tenant.name, self.program.name, self.participant.display_name, self.participant.email,
            self.reward.name, self.api_key.name, self.api_key.prefix,
        }
        return {str(value) for value in ids} | names

    def idempotency_record(self) -> IdempotencyRecord:
        return IdempotencyRecord.objects.get(tenant=self.tenant, key="redeem-1")


def tenant_world(name: str, *, customer: str) -> TenantWorld:
    """A tenant named ``name`` with everything above; its participant ``cust-42`` is called ``customer``."""
    tenant = TenantFactory(name=name)
    program = ProgramFactory(tenant=tenant, name=f"{name} Club")
    asset = AssetFactory(program=program, code="POINTS")
    participant = ParticipantFactory(
        programs=[program],
        external_id=SHARED_EXTERNAL_ID,
        display_name=customer,
        email=f"{customer.split()[0].lower()}@{name.split()[0].lower()}.example",
    )
    accrual = accrual_create(
        program=program, participant=participant, asset=asset, amount=Decimal("500.00"), idempotency_key="welcome-1"
    ).record
    reward = RewardFactory(asset=asset, name=f"{name} Mug", unit_cost=Decimal("10.00"), max_total=100)
    redemption = redemption_create_catalog(
        program=program, participant=participant, reward=reward, quantity=2, idempotency_key="redeem-1"
    ).record
    reversal = reversal_create(redemption=redemption, quantity=1, reason="Broken", idempotency_key="reverse-1").record
    # A CODES reward with a code issued to a redemption and one still available.
    gift_card = RewardFactory(
        asset=asset, name=f"{name} Gift Card", unit_cost=Decimal("10.00"), fulfilment=Reward.Fulfilment.CODES
    )
    reward_codes_add(reward=gift_card, codes=[f"{name[0]}-GIFT-1", f"{name[0]}-GIFT-2"])
    redemption_create_catalog(
        program=program, participant=participant, reward=Reward.objects.select_related("asset").get(id=gift_card.id)
    )
    api_key, plain_key = api_key_create(name=f"{name} till", tenant_id=tenant.id, all_programs=True)
    wallet = Account.objects.get(type=Account.Type.WALLET, participant=participant, asset=asset)
    return TenantWorld(
        tenant, program, asset, participant, wallet, accrual, reward, redemption, reversal, api_key, plain_key
    )


def two_tenants() -> tuple[TenantWorld, TenantWorld]:
    """Tenant A (Alpha Coffee) and tenant B (Bravo Tea), each with its own ``cust-42``."""
    return tenant_world("Alpha Coffee", customer="Ada Alpha"), tenant_world("Bravo Tea", customer="Bea Bravo")
