from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Participant")


@_attrs_define
class Participant:
    """
    Attributes:
        id (UUID):
        external_id (str):
        display_name (str):
        email (str):
        program_ids (list[UUID]): The programs the participant is enrolled in that the key may see.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    external_id: str
    display_name: str
    email: str
    program_ids: list[UUID]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        external_id = self.external_id

        display_name = self.display_name

        email = self.email

        program_ids = []
        for program_ids_item_data in self.program_ids:
            program_ids_item = str(program_ids_item_data)
            program_ids.append(program_ids_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "external_id": external_id,
                "display_name": display_name,
                "email": email,
                "program_ids": program_ids,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        external_id = d.pop("external_id")

        display_name = d.pop("display_name")

        email = d.pop("email")

        program_ids = []
        _program_ids = d.pop("program_ids")
        for program_ids_item_data in _program_ids:
            program_ids_item = UUID(program_ids_item_data)

            program_ids.append(program_ids_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        participant = cls(
            id=id,
            external_id=external_id,
            display_name=display_name,
            email=email,
            program_ids=program_ids,
            created_at=created_at,
            updated_at=updated_at,
        )

        participant.additional_properties = d
        return participant

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
