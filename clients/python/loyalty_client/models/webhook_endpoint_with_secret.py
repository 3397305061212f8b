from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookEndpointWithSecret")


@_attrs_define
class WebhookEndpointWithSecret:
    """
    Attributes:
        id (UUID):
        url (str):
        event_types (list[str]):
        program_ids (list[UUID]): The programs it receives events of (for an all-programs endpoint: the tenant's
            programs now).
        all_programs (bool): Every program of the tenant, now and future.
        description (str):
        enabled (bool):
        disabled_reason (str): Why it was disabled; "" when enabled.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        secret (str): `whsec_` and the base64 of 32 random bytes: shown in this answer only.
    """

    id: UUID
    url: str
    event_types: list[str]
    program_ids: list[UUID]
    all_programs: bool
    description: str
    enabled: bool
    disabled_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        event_types = self.event_types

        program_ids = []
        for program_ids_item_data in self.program_ids:
            program_ids_item = str(program_ids_item_data)
            program_ids.append(program_ids_item)

        all_programs = self.all_programs

        description = self.description

        enabled = self.enabled

        disabled_reason = self.disabled_reason

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "event_types": event_types,
                "program_ids": program_ids,
                "all_programs": all_programs,
                "description": description,
                "enabled": enabled,
                "disabled_reason": disabled_reason,
                "created_at": created_at,
                "updated_at": updated_at,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types"))

        program_ids = []
        _program_ids = d.pop("program_ids")
        for program_ids_item_data in _program_ids:
            program_ids_item = UUID(program_ids_item_data)

            program_ids.append(program_ids_item)

        all_programs = d.pop("all_programs")

        description = d.pop("description")

        enabled = d.pop("enabled")

        disabled_reason = d.pop("disabled_reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        secret = d.pop("secret")

        webhook_endpoint_with_secret = cls(
            id=id,
            url=url,
            event_types=event_types,
            program_ids=program_ids,
            all_programs=all_programs,
            description=description,
            enabled=enabled,
            disabled_reason=disabled_reason,
            created_at=created_at,
            updated_at=updated_at,
            secret=secret,
        )

        webhook_endpoint_with_secret.additional_properties = d
        return webhook_endpoint_with_secret

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
