from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.program_status_enum import ProgramStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProgramCreateRequest")


@_attrs_define
class ProgramCreateRequest:
    """
    Attributes:
        name (str):
        status (ProgramStatusEnum | Unset):  Default: ProgramStatusEnum.ACTIVE.
    """

    name: str
    status: ProgramStatusEnum | Unset = ProgramStatusEnum.ACTIVE

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        _status = d.pop("status", UNSET)
        status: ProgramStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProgramStatusEnum(_status)

        program_create_request = cls(
            name=name,
            status=status,
        )

        return program_create_request
