"""
Seed the fault harness's database (run as a script against DATABASE_URL).

Creates one program with an asset, three rewards (a unit-based one with deep
stock, a unit-based one with little stock, an amount-based one), funded
participants and a key scoped to the program, through the services. Prints
one JSON document with their ids and the plain key on stdout.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings")

import django  # noqa: E402

django.setup()

from ledger.services import asset_create  # noqa: E402
from loyalty.services import api_key_create, program_create, tenant_create  # noqa: E402
from participants.services import accrual_create, participant_enrol  # noqa: E402
from rewards.models import Reward  # noqa: E402
from rewards.services import reward_create  # noqa: E402

PARTICIPANTS = int(os.environ.get("FAULTS_PARTICIPANTS", "16"))
OPENING_BALANCE = Decimal("400.00")


def main() -> None:
    tenant = tenant_create(name="Fault harness")
    program = program_create(tenant_id=tenant.id, name="Fault harness")
    asset = asset_create(program=program, code="POINTS", name="Points", scale=2)
    deep = reward_create(
        program=program, asset=asset, type=Reward.Type.UNIT_BASED, name="Coffee",
        unit_cost=Decimal("5.00"), max_total=1_000_000,
    )
    scarce = reward_create(
        program=program, asset=asset, type=Reward.Type.UNIT_BASED, name="Concert ticket",
        unit_cost=Decimal("7.00"), max_total=30, max_per_participant=6,
    )
    donation = reward_create(
        program=program, asset=asset, type=Reward.Type.AMOUNT_BASED, name="Donation",
        min_amount=Decimal("1.00"), max_amount=Decimal("40.00"),
    )
    participants = []
    for number in range(PARTICIPANTS):
        participant = participant_enrol(program=program, external_id=f"fault-{number}").record
        accrual_create(program=program, participant=participant, asset=asset, amount=OPENING_BALANCE)
        participants.append(str(participant.id))
    _, plain_key = api_key_create(name="fault harness", program_ids=[program.id], all_programs=False)
    print(json.dumps({
        "program_id": str(program.id),
        "asset_id": str(asset.id),
        "rewards": {"deep": str(deep.id), "scarce": str(scarce.id), "donation": str(donation.id)},
        "participants": participants,
        "api_key": plain_key,
    }))


if __name__ == "__main__":
    main()
