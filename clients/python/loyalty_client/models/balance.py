from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.expiring import Expiring


T = TypeVar("T", bound="Balance")


@_attrs_define
class Balance:
    """
    Attributes:
        program_id (UUID):
        asset_id (UUID):
        asset_code (str):
        balance (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        updated_at (datetime.datetime | None): Null until the first movement.
        pending_balance (str): Points of lots not yet released: they cannot be spent yet. Example: 50.00.
        expiring (list[Expiring]): Up to 10 entries: the released lots' `remaining` grouped by `expires_at`, soonest
            first (lots that never expire are not listed).
    """

    program_id: UUID
    asset_id: UUID
    asset_code: str
    balance: str
    updated_at: datetime.datetime | None
    pending_balance: str
    expiring: list[Expiring]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        asset_id = str(self.asset_id)

        asset_code = self.asset_code

        balance = self.balance

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        pending_balance = self.pending_balance

        expiring = []
        for expiring_item_data in self.expiring:
            expiring_item = expiring_item_data.to_dict()
            expiring.append(expiring_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "program_id": program_id,
                "asset_id": asset_id,
                "asset_code": asset_code,
                "balance": balance,
                "updated_at": updated_at,
                "pending_balance": pending_balance,
                "expiring": expiring,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.expiring import Expiring  # noqa: PLC0415

        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        asset_id = UUID(d.pop("asset_id"))

        asset_code = d.pop("asset_code")

        balance = d.pop("balance")

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        pending_balance = d.pop("pending_balance")

        expiring = []
        _expiring = d.pop("expiring")
        for expiring_item_data in _expiring:
            expiring_item = Expiring.from_dict(expiring_item_data)

            expiring.append(expiring_item)

        balance = cls(
            program_id=program_id,
            asset_id=asset_id,
            asset_code=asset_code,
            balance=balance,
            updated_at=updated_at,
            pending_balance=pending_balance,
            expiring=expiring,
        )

        balance.additional_properties = d
        return balance

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
