from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.redemption_status_enum import RedemptionStatusEnum

if TYPE_CHECKING:
    from ..models.allocation import Allocation


T = TypeVar("T", bound="RedemptionPreview")


@_attrs_define
class RedemptionPreview:
    """What a dry run (`?dry_run=true`) answers: the redemption that would be created, in the redemption's shape
    (the contract's), with `id`, `journal_entry_id`, `idempotency_key`, `created_at` and `updated_at` always
    null, `reversed_amount` zero and `reversed_quantity` 0 (UNIT_BASED) or null.

        Attributes:
            id (None):  Default: None.
            program_id (UUID):
            participant_id (UUID):
            asset_id (UUID):
            reward_id (None | UUID): Catalog redemptions only.
            amount (str): Total debited from the participant's balance. Example: 50.00.
            quantity (int | None): UNIT_BASED catalog redemptions only.
            unit_cost (None | str): Cost per unit at redemption time; UNIT_BASED only. Example: 50.00.
            description (str):
            journal_entry_id (None):  Default: None.
            status (RedemptionStatusEnum | str): The status the redemption would have once made (`COMPLETED`). One of
                `RedemptionStatusEnum`; a later version may add values, so a client accepts any string here.
            reversed_amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
            reversed_quantity (int | None): UNIT_BASED only.
            codes (None):  Default: None.
            voided_codes (None):  Default: None.
            idempotency_key (None):  Default: None.
            created_at (None):  Default: None.
            updated_at (None):  Default: None.
            allocations (list[Allocation]): What the redemption holds of each lot (accrual) it took from, net of points its
                reversals put back, in the order taken (empty on a dry run and for redemptions made before the points
                lifecycle).
    """

    program_id: UUID
    participant_id: UUID
    asset_id: UUID
    reward_id: None | UUID
    amount: str
    quantity: int | None
    unit_cost: None | str
    description: str
    status: RedemptionStatusEnum | str
    reversed_amount: str
    reversed_quantity: int | None
    allocations: list[Allocation]
    id: None = None
    journal_entry_id: None = None
    codes: None = None
    voided_codes: None = None
    idempotency_key: None = None
    created_at: None = None
    updated_at: None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        program_id = str(self.program_id)

        participant_id = str(self.participant_id)

        asset_id = str(self.asset_id)

        reward_id: None | str
        if isinstance(self.reward_id, UUID):
            reward_id = str(self.reward_id)
        else:
            reward_id = self.reward_id

        amount = self.amount

        quantity: int | None
        quantity = self.quantity

        unit_cost: None | str
        unit_cost = self.unit_cost

        description = self.description

        journal_entry_id = self.journal_entry_id

        status: str
        if isinstance(self.status, RedemptionStatusEnum):
            status = self.status.value
        else:
            status = self.status

        reversed_amount = self.reversed_amount

        reversed_quantity: int | None
        reversed_quantity = self.reversed_quantity

        codes = self.codes

        voided_codes = self.voided_codes

        idempotency_key = self.idempotency_key

        created_at = self.created_at

        updated_at = self.updated_at

        allocations = []
        for allocations_item_data in self.allocations:
            allocations_item = allocations_item_data.to_dict()
            allocations.append(allocations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "program_id": program_id,
                "participant_id": participant_id,
                "asset_id": asset_id,
                "reward_id": reward_id,
                "amount": amount,
                "quantity": quantity,
                "unit_cost": unit_cost,
                "description": description,
                "journal_entry_id": journal_entry_id,
                "status": status,
                "reversed_amount": reversed_amount,
                "reversed_quantity": reversed_quantity,
                "codes": codes,
                "voided_codes": voided_codes,
                "idempotency_key": idempotency_key,
                "created_at": created_at,
                "updated_at": updated_at,
                "allocations": allocations,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.allocation import Allocation  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        program_id = UUID(d.pop("program_id"))

        participant_id = UUID(d.pop("participant_id"))

        asset_id = UUID(d.pop("asset_id"))

        def _parse_reward_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reward_id_type_0 = UUID(data)

                return reward_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        reward_id = _parse_reward_id(d.pop("reward_id"))

        amount = d.pop("amount")

        def _parse_quantity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_unit_cost(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost"))

        description = d.pop("description")

        journal_entry_id = d.pop("journal_entry_id")

        def _parse_status(data: object) -> RedemptionStatusEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = RedemptionStatusEnum(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(RedemptionStatusEnum | str, data)

        status = _parse_status(d.pop("status"))

        reversed_amount = d.pop("reversed_amount")

        def _parse_reversed_quantity(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reversed_quantity = _parse_reversed_quantity(d.pop("reversed_quantity"))

        codes = d.pop("codes")

        voided_codes = d.pop("voided_codes")

        idempotency_key = d.pop("idempotency_key")

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        allocations = []
        _allocations = d.pop("allocations")
        for allocations_item_data in _allocations:
            allocations_item = Allocation.from_dict(allocations_item_data)

            allocations.append(allocations_item)

        redemption_preview = cls(
            id=id,
            program_id=program_id,
            participant_id=participant_id,
            asset_id=asset_id,
            reward_id=reward_id,
            amount=amount,
            quantity=quantity,
            unit_cost=unit_cost,
            description=description,
            journal_entry_id=journal_entry_id,
            status=status,
            reversed_amount=reversed_amount,
            reversed_quantity=reversed_quantity,
            codes=codes,
            voided_codes=voided_codes,
            idempotency_key=idempotency_key,
            created_at=created_at,
            updated_at=updated_at,
            allocations=allocations,
        )

        redemption_preview.additional_properties = d
        return redemption_preview

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
