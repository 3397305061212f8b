from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RewardCodesCreateRequest")


@_attrs_define
class RewardCodesCreateRequest:
    """
    Attributes:
        codes (list[str]): 1-10,000 codes, each 1-100 printable characters without leading or trailing whitespace.
    """

    codes: list[str]

    def to_dict(self) -> dict[str, Any]:
        codes = self.codes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "codes": codes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        codes = cast(list[str], d.pop("codes"))

        reward_codes_create_request = cls(
            codes=codes,
        )

        return reward_codes_create_request
