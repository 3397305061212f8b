from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reward_fulfilment_enum import RewardFulfilmentEnum
from ..models.reward_status_enum import RewardStatusEnum
from ..models.reward_type_enum import RewardTypeEnum

T = TypeVar("T", bound="Reward")


@_attrs_define
class Reward:
    """
    Attributes:
        id (UUID):
        program_id (UUID):
        asset_id (UUID):
        name (str):
        description (str):
        type_ (RewardTypeEnum | str): One of `RewardTypeEnum`; a later version may add values, so a client accepts any
            string here.
        unit_cost (None | str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        min_amount (None | str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        max_amount (None | str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
        status (RewardStatusEnum | str): One of `RewardStatusEnum`; a later version may add values, so a client accepts
            any string here.
        max_total (int | None):
        redeemed_count (int): Units (UNIT_BASED) or redemptions (AMOUNT_BASED) taken from stock.
        max_per_participant (int | None):
        available_from (datetime.datetime | None):
        available_until (datetime.datetime | None):
        fulfilment (RewardFulfilmentEnum | str): CODES: one code per unit redeemed. One of `RewardFulfilmentEnum`; a
            later version may add values, so a client accepts any string here.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    program_id: UUID
    asset_id: UUID
    name: str
    description: str
    type_: RewardTypeEnum | str
    unit_cost: None | str
    min_amount: None | str
    max_amount: None | str
    status: RewardStatusEnum | str
    max_total: int | None
    redeemed_count: int
    max_per_participant: int | None
    available_from: datetime.datetime | None
    available_until: datetime.datetime | None
    fulfilment: RewardFulfilmentEnum | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        program_id = str(self.program_id)

        asset_id = str(self.asset_id)

        name = self.name

        description = self.description

        type_: str
        if isinstance(self.type_, RewardTypeEnum):
            type_ = self.type_.value
        else:
            type_ = self.type_

        unit_cost: None | str
        unit_cost = self.unit_cost

        min_amount: None | str
        min_amount = self.min_amount

        max_amount: None | str
        max_amount = self.max_amount

        status: str
        if isinstance(self.status, RewardStatusEnum):
            status = self.status.value
        else:
            status = self.status

        max_total: int | None
        max_total = self.max_total

        redeemed_count = self.redeemed_count

        max_per_participant: int | None
        max_per_participant = self.max_per_participant

        available_from: None | str
        if isinstance(self.available_from, datetime.datetime):
            available_from = self.available_from.isoformat()
        else:
            available_from = self.available_from

        available_until: None | str
        if isinstance(self.available_until, datetime.datetime):
            available_until = self.available_until.isoformat()
        else:
            available_until = self.available_until

        fulfilment: str
        if isinstance(self.fulfilment, RewardFulfilmentEnum):
            fulfilment = self.fulfilment.value
        else:
            fulfilment = self.fulfilment

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "program_id": program_id,
                "asset_id": asset_id,
                "name": name,
                "description": description,
                "type": type_,
                "unit_cost": unit_cost,
                "min_amount": min_amount,
                "max_amount": max_amount,
                "status": status,
                "max_total": max_total,
                "redeemed_count": redeemed_count,
                "max_per_participant": max_per_participant,
                "available_from": available_from,
                "available_until": available_until,
                "fulfilment": fulfilment,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        program_id = UUID(d.pop("program_id"))

        asset_id = UUID(d.pop("asset_id"))

        name = d.pop("name")

        description = d.pop("description")

        def _parse_type_(data: object) -> RewardTypeEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_0 = RewardTypeEnum(data)

                return type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(RewardTypeEnum | str, data)

        type_ = _parse_type_(d.pop("type"))

        def _parse_unit_cost(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost"))

        def _parse_min_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        min_amount = _parse_min_amount(d.pop("min_amount"))

        def _parse_max_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        max_amount = _parse_max_amount(d.pop("max_amount"))

        def _parse_status(data: object) -> RewardStatusEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = RewardStatusEnum(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(RewardStatusEnum | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_max_total(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_total = _parse_max_total(d.pop("max_total"))

        redeemed_count = d.pop("redeemed_count")

        def _parse_max_per_participant(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_per_participant = _parse_max_per_participant(d.pop("max_per_participant"))

        def _parse_available_from(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_from_type_0 = datetime.datetime.fromisoformat(data)

                return available_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        available_from = _parse_available_from(d.pop("available_from"))

        def _parse_available_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_until_type_0 = datetime.datetime.fromisoformat(data)

                return available_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        available_until = _parse_available_until(d.pop("available_until"))

        def _parse_fulfilment(data: object) -> RewardFulfilmentEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                fulfilment_type_0 = RewardFulfilmentEnum(data)

                return fulfilment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(RewardFulfilmentEnum | str, data)

        fulfilment = _parse_fulfilment(d.pop("fulfilment"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        reward = cls(
            id=id,
            program_id=program_id,
            asset_id=asset_id,
            name=name,
            description=description,
            type_=type_,
            unit_cost=unit_cost,
            min_amount=min_amount,
            max_amount=max_amount,
            status=status,
            max_total=max_total,
            redeemed_count=redeemed_count,
            max_per_participant=max_per_participant,
            available_from=available_from,
            available_until=available_until,
            fulfilment=fulfilment,
            created_at=created_at,
            updated_at=updated_at,
        )

        reward.additional_properties = d
        return reward

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
