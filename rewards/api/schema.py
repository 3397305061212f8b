"""OpenAPI pieces of the rewards API: the dry-run parameter, the 422 rules and the contract's examples.

Error responses, path ids and the ``Idempotency-Key`` header come from ``loyalty.api.schema``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from loyalty.api.schema import BusinessRules
from loyalty.errors import ErrorCode

DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        "`true`: run every check except idempotency and answer 200 with the `RedemptionPreview` of the "
        "redemption that would be created (`id`, `journal_entry_id`, `idempotency_key`, `created_at` and "
        "`updated_at` null) or the error it would get; nothing changes."
    ),
)

EXAMPLE_IDS = {
    "redemption": "550e8400-e29b-41d4-a716-446655440000",
    "program": "3f1c2b9a-8d4e-4c6b-9a1f-2e7d5c4b3a21",
    "participant": "9b2e7c1d-4a5f-4e3b-8c6d-1f0a2b3c4d5e",
    "asset": "7d6c5b4a-3f2e-4d1c-9b8a-7f6e5d4c3b2a",
    "reward": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "entry": "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f",
    "reversal": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
}

REDEMPTION_EXAMPLE_VALUE = {
    "id": EXAMPLE_IDS["redemption"],
    "program_id": EXAMPLE_IDS["program"],
    "participant_id": EXAMPLE_IDS["participant"],
    "asset_id": EXAMPLE_IDS["asset"],
    "reward_id": EXAMPLE_IDS["reward"],
    "amount": "1000.00",
    "quantity": 2,
    "unit_cost": "500.00",
    "description": "Redeemed: Gift Card",
    "journal_entry_id": EXAMPLE_IDS["entry"],
    "status": "COMPLETED",
    "reversed_amount": "0.00",
    "reversed_quantity": 0,
    "codes": None,
    "voided_codes": None,
    "idempotency_key": "redeem-item-12345",
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
    "allocations": [
        {"accrual_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "amount": "600.00"},
        {"accrual_id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "amount": "400.00"},
    ],
}

REDEMPTION_EXAMPLE = OpenApiExample(
    "Catalog redemption of 2 units",
    value=REDEMPTION_EXAMPLE_VALUE,
    response_only=True,
    status_codes=["200", "201"],
)

PREVIEW_EXAMPLE = OpenApiExample(
    "Dry run of 2 units",
    value={
        **REDEMPTION_EXAMPLE_VALUE,
        "id": None,
        "journal_entry_id": None,
        "idempotency_key": None,
        "created_at": None,
        "updated_at": None,
        "allocations": [],
    },
    response_only=True,
    status_codes=["200"],
)

CATALOG_REQUEST_EXAMPLE = OpenApiExample(
    "Redeem 2 units",
    value={
        "program_id": EXAMPLE_IDS["program"],
        "reward_id": EXAMPLE_IDS["reward"],
        "quantity": 2,
        "idempotency_key": "redeem-item-12345",
    },
    request_only=True,
)

DIRECT_REQUEST_EXAMPLE = OpenApiExample(
    "Cash out",
    value={
        "program_id": EXAMPLE_IDS["program"],
        "asset_id": EXAMPLE_IDS["asset"],
        "amount": "1000.00",
        "description": "Donation",
        "idempotency_key": "cash-out-12345",
    },
    request_only=True,
)

REVERSAL_REQUEST_EXAMPLE = OpenApiExample(
    "Reverse one unit",
    value={"quantity": 1, "reason": "Item returned", "idempotency_key": "reverse-item-12345"},
    request_only=True,
)

REVERSAL_EXAMPLE = OpenApiExample(
    "One unit reversed",
    value={
        "id": EXAMPLE_IDS["reversal"],
        "redemption_id": EXAMPLE_IDS["redemption"],
        "amount": "500.00",
        "quantity": 1,
        "reason": "Item returned",
        "restock": True,
        "journal_entry_id": "d5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f80",
        "created_at": "2024-01-16T09:00:00Z",
        "redemption": {
            **REDEMPTION_EXAMPLE_VALUE,
            "status": "PARTIALLY_REVERSED",
            "reversed_amount": "500.00",
            # put back last taken first: all 400 of the second lot, then 100 of the first
            "allocations": [{"accrual_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "amount": "500.00"}],
            "reversed_quantity": 1,
            "updated_at": "2024-01-16T09:00:00Z",
        },
    },
    response_only=True,
    status_codes=["200", "201"],
)

REWARD_EXAMPLE = OpenApiExample(
    "Gift card",
    value={
        "id": EXAMPLE_IDS["reward"],
        "program_id": EXAMPLE_IDS["program"],
        "asset_id": EXAMPLE_IDS["asset"],
        "name": "Gift Card",
        "description": "A 50 EUR gift card.",
        "type": "UNIT_BASED",
        "unit_cost": "500.00",
        "min_amount": None,
        "max_amount": None,
        "status": "ACTIVE",
        "max_total": 100,
        "redeemed_count": 2,
        "max_per_participant": 5,
        "available_from": "2024-01-01T00:00:00Z",
        "available_until": None,
        "fulfilment": "NONE",
        "created_at": "2023-12-20T08:00:00Z",
        "updated_at": "2024-01-15T10:30:00Z",
    },
    response_only=True,
)

# --- 422: the rules each movement checks, in the contract's order -----------------------------

INSUFFICIENT_BALANCE_EXAMPLE = (ErrorCode.INSUFFICIENT_BALANCE, "Balance 120.00 is less than the cost 1000.00.")

CATALOG_REDEMPTION_RULES = BusinessRules(
    ErrorCode.PROGRAM_NOT_ACTIVE,
    ErrorCode.PARTICIPANT_NOT_ENROLLED,
    ErrorCode.REWARD_NOT_ACTIVE,
    ErrorCode.REWARD_NOT_AVAILABLE,
    ErrorCode.AMOUNT_OUT_OF_RANGE,
    ErrorCode.REWARD_OUT_OF_STOCK,
    ErrorCode.PARTICIPANT_LIMIT_EXCEEDED,
    ErrorCode.INSUFFICIENT_BALANCE,
    example=INSUFFICIENT_BALANCE_EXAMPLE,
)

DIRECT_REDEMPTION_RULES = BusinessRules(
    ErrorCode.PROGRAM_NOT_ACTIVE,
    ErrorCode.PARTICIPANT_NOT_ENROLLED,
    ErrorCode.INSUFFICIENT_BALANCE,
    example=INSUFFICIENT_BALANCE_EXAMPLE,
)

REVERSAL_RULES = BusinessRules(
    ErrorCode.REDEMPTION_FULLY_REVERSED,
    ErrorCode.REVERSAL_EXCEEDS_REMAINING,
    example=(ErrorCode.REVERSAL_EXCEEDS_REMAINING, "3 unit(s) asked, 1 left to reverse."),
)


# --- reward codes -----------------------------------------------------------------------------

CODES_REQUEST_EXAMPLE = OpenApiExample(
    "Add three codes", value={"codes": ["GIFT-7Q2M-AX91", "GIFT-K3PD-0ZL4", "GIFT-7Q2M-AX91"]}, request_only=True
)

CODES_ADDED_EXAMPLE = OpenApiExample(
    "Two added, one repeated",
    value={"added": 2, "duplicates": ["GIFT-7Q2M-AX91"], "available": 2},
    response_only=True,
    status_codes=["201"],
)

CODE_COUNTS_EXAMPLE = OpenApiExample(
    "Counts", value={"available": 97, "issued": 2, "voided": 1}, response_only=True
)

CODES_REDEMPTION_EXAMPLE = OpenApiExample(
    "Catalog redemption of a CODES reward",
    value={**REDEMPTION_EXAMPLE_VALUE, "codes": ["GIFT-7Q2M-AX91", "GIFT-K3PD-0ZL4"], "voided_codes": []},
    response_only=True,
    status_codes=["200", "201"],
)
