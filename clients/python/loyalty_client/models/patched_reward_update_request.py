from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.reward_fulfilment_enum import RewardFulfilmentEnum
from ..models.reward_settable_status_enum import RewardSettableStatusEnum
from ..models.reward_type_enum import RewardTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedRewardUpdateRequest")


@_attrs_define
class PatchedRewardUpdateRequest:
    """PATCH body: every field optional; ``type`` may be sent but not changed.

    Attributes:
        name (str | Unset):
        description (str | Unset):
        type_ (RewardTypeEnum | Unset):
        unit_cost (None | str | Unset): A positive decimal string (no sign, exponent or spaces) with at most 12 integer
            digits and at most the asset's scale in decimal places. A JSON number is 400. Example: 500.00.
        min_amount (None | str | Unset): A positive decimal string (no sign, exponent or spaces) with at most 12 integer
            digits and at most the asset's scale in decimal places. A JSON number is 400. Example: 500.00.
        max_amount (None | str | Unset): A positive decimal string (no sign, exponent or spaces) with at most 12 integer
            digits and at most the asset's scale in decimal places. A JSON number is 400. Example: 500.00.
        status (RewardSettableStatusEnum | Unset):
        max_total (int | None | Unset):
        max_per_participant (int | None | Unset):
        available_from (datetime.datetime | None | Unset):
        available_until (datetime.datetime | None | Unset):
        fulfilment (RewardFulfilmentEnum | Unset):
    """

    name: str | Unset = UNSET
    description: str | Unset = UNSET
    type_: RewardTypeEnum | Unset = UNSET
    unit_cost: None | str | Unset = UNSET
    min_amount: None | str | Unset = UNSET
    max_amount: None | str | Unset = UNSET
    status: RewardSettableStatusEnum | Unset = UNSET
    max_total: int | None | Unset = UNSET
    max_per_participant: int | None | Unset = UNSET
    available_from: datetime.datetime | None | Unset = UNSET
    available_until: datetime.datetime | None | Unset = UNSET
    fulfilment: RewardFulfilmentEnum | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        unit_cost: None | str | Unset
        if isinstance(self.unit_cost, Unset):
            unit_cost = UNSET
        else:
            unit_cost = self.unit_cost

        min_amount: None | str | Unset
        if isinstance(self.min_amount, Unset):
            min_amount = UNSET
        else:
            min_amount = self.min_amount

        max_amount: None | str | Unset
        if isinstance(self.max_amount, Unset):
            max_amount = UNSET
        else:
            max_amount = self.max_amount

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        max_total: int | None | Unset
        if isinstance(self.max_total, Unset):
            max_total = UNSET
        else:
            max_total = self.max_total

        max_per_participant: int | None | Unset
        if isinstance(self.max_per_participant, Unset):
            max_per_participant = UNSET
        else:
            max_per_participant = self.max_per_participant

        available_from: None | str | Unset
        if isinstance(self.available_from, Unset):
            available_from = UNSET
        elif isinstance(self.available_from, datetime.datetime):
            available_from = self.available_from.isoformat()
        else:
            available_from = self.available_from

        available_until: None | str | Unset
        if isinstance(self.available_until, Unset):
            available_until = UNSET
        elif isinstance(self.available_until, datetime.datetime):
            available_until = self.available_until.isoformat()
        else:
            available_until = self.available_until

        fulfilment: str | Unset = UNSET
        if not isinstance(self.fulfilment, Unset):
            fulfilment = self.fulfilment.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if type_ is not UNSET:
            field_dict["type"] = type_
        if unit_cost is not UNSET:
            field_dict["unit_cost"] = unit_cost
        if min_amount is not UNSET:
            field_dict["min_amount"] = min_amount
        if max_amount is not UNSET:
            field_dict["max_amount"] = max_amount
        if status is not UNSET:
            field_dict["status"] = status
        if max_total is not UNSET:
            field_dict["max_total"] = max_total
        if max_per_participant is not UNSET:
            field_dict["max_per_participant"] = max_per_participant
        if available_from is not UNSET:
            field_dict["available_from"] = available_from
        if available_until is not UNSET:
            field_dict["available_until"] = available_until
        if fulfilment is not UNSET:
            field_dict["fulfilment"] = fulfilment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: RewardTypeEnum | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = RewardTypeEnum(_type_)

        def _parse_unit_cost(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_cost = _parse_unit_cost(d.pop("unit_cost", UNSET))

        def _parse_min_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_amount = _parse_min_amount(d.pop("min_amount", UNSET))

        def _parse_max_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_amount = _parse_max_amount(d.pop("max_amount", UNSET))

        _status = d.pop("status", UNSET)
        status: RewardSettableStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RewardSettableStatusEnum(_status)

        def _parse_max_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_total = _parse_max_total(d.pop("max_total", UNSET))

        def _parse_max_per_participant(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_per_participant = _parse_max_per_participant(d.pop("max_per_participant", UNSET))

        def _parse_available_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_from_type_0 = datetime.datetime.fromisoformat(data)

                return available_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        available_from = _parse_available_from(d.pop("available_from", UNSET))

        def _parse_available_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_until_type_0 = datetime.datetime.fromisoformat(data)

                return available_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        available_until = _parse_available_until(d.pop("available_until", UNSET))

        _fulfilment = d.pop("fulfilment", UNSET)
        fulfilment: RewardFulfilmentEnum | Unset
        if isinstance(_fulfilment, Unset):
            fulfilment = UNSET
        else:
            fulfilment = RewardFulfilmentEnum(_fulfilment)

        patched_reward_update_request = cls(
            name=name,
            description=description,
            type_=type_,
            unit_cost=unit_cost,
            min_amount=min_amount,
            max_amount=max_amount,
            status=status,
            max_total=max_total,
            max_per_participant=max_per_participant,
            available_from=available_from,
            available_until=available_until,
            fulfilment=fulfilment,
        )

        return patched_reward_update_request
