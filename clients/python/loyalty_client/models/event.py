from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Event")


@_attrs_define
class Event:
    """
    Attributes:
        id (UUID):
        type_ (str): One of: participant.created, participant.enrolled, accrual.created, accrual.released,
            accrual.reversed, points.expired, redemption.created, redemption.reversed, reward.created, reward.updated,
            reward.out_of_stock, reward.back_in_stock.
        program_id (UUID):
        created_at (datetime.datetime):
        data (Any): The object as its GET answered an all-programs key when the event was recorded.
    """

    id: UUID
    type_: str
    program_id: UUID
    created_at: datetime.datetime
    data: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_

        program_id = str(self.program_id)

        created_at = self.created_at.isoformat()

        data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "program_id": program_id,
                "created_at": created_at,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = d.pop("type")

        program_id = UUID(d.pop("program_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data = d.pop("data")

        event = cls(
            id=id,
            type_=type_,
            program_id=program_id,
            created_at=created_at,
            data=data,
        )

        event.additional_properties = d
        return event

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
