from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RewardCodesAdded")


@_attrs_define
class RewardCodesAdded:
    """
    Attributes:
        added (int): Codes added now.
        duplicates (list[str]): Codes not added: already in this reward or repeated in the body; each once.
        available (int): The reward's available codes afterwards.
    """

    added: int
    duplicates: list[str]
    available: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        added = self.added

        duplicates = self.duplicates

        available = self.available

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "added": added,
                "duplicates": duplicates,
                "available": available,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        added = d.pop("added")

        duplicates = cast(list[str], d.pop("duplicates"))

        available = d.pop("available")

        reward_codes_added = cls(
            added=added,
            duplicates=duplicates,
            available=available,
        )

        reward_codes_added.additional_properties = d
        return reward_codes_added

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
