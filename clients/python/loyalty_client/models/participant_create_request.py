from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ParticipantCreateRequest")


@_attrs_define
class ParticipantCreateRequest:
    """
    Attributes:
        program_id (UUID): The program to enrol the participant in.
        external_id (str):
        display_name (str | Unset):  Default: ''.
        email (str | Unset): An e-mail address, or "" for none. Default: ''.
    """

    program_id: UUID
    external_id: str
    display_name: str | Unset = ""
    email: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        program_id = str(self.program_id)

        external_id = self.external_id

        display_name = self.display_name

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "program_id": program_id,
                "external_id": external_id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        program_id = UUID(d.pop("program_id"))

        external_id = d.pop("external_id")

        display_name = d.pop("display_name", UNSET)

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        participant_create_request = cls(
            program_id=program_id,
            external_id=external_id,
            display_name=display_name,
            email=email,
        )

        return participant_create_request
