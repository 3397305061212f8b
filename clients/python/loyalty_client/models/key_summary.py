from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KeySummary")


@_attrs_define
class KeySummary:
    """
    Attributes:
        prefix (str): The 8 characters after `lk_`.
        name (str):
        all_programs (bool): Every program of the tenant, now and future.
        program_ids (list[UUID]): The programs the key may see now, newest first.
    """

    prefix: str
    name: str
    all_programs: bool
    program_ids: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prefix = self.prefix

        name = self.name

        all_programs = self.all_programs

        program_ids = []
        for program_ids_item_data in self.program_ids:
            program_ids_item = str(program_ids_item_data)
            program_ids.append(program_ids_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prefix": prefix,
                "name": name,
                "all_programs": all_programs,
                "program_ids": program_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prefix = d.pop("prefix")

        name = d.pop("name")

        all_programs = d.pop("all_programs")

        program_ids = []
        _program_ids = d.pop("program_ids")
        for program_ids_item_data in _program_ids:
            program_ids_item = UUID(program_ids_item_data)

            program_ids.append(program_ids_item)

        key_summary = cls(
            prefix=prefix,
            name=name,
            all_programs=all_programs,
            program_ids=program_ids,
        )

        key_summary.additional_properties = d
        return key_summary

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
