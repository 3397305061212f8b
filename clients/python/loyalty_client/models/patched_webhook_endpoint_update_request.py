from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.subscribed_event_type_enum import SubscribedEventTypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedWebhookEndpointUpdateRequest")


@_attrs_define
class PatchedWebhookEndpointUpdateRequest:
    """
    Attributes:
        url (str | Unset):
        event_types (list[SubscribedEventTypeEnum] | Unset): A non-empty list of event types (participant.created,
            participant.enrolled, accrual.created, accrual.released, accrual.reversed, points.expired, redemption.created,
            redemption.reversed, reward.created, reward.updated, reward.out_of_stock, reward.back_in_stock) or ["*"] for
            every type.
        program_ids (list[UUID] | None | Unset): The programs whose events it receives; default (or null) every program
            the key may see (for an all-programs key: every program of the tenant, now and future).
        description (str | Unset):
        enabled (bool | Unset): true re-enables a disabled endpoint.
    """

    url: str | Unset = UNSET
    event_types: list[SubscribedEventTypeEnum] | Unset = UNSET
    program_ids: list[UUID] | None | Unset = UNSET
    description: str | Unset = UNSET
    enabled: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = []
            for event_types_item_data in self.event_types:
                event_types_item = event_types_item_data.value
                event_types.append(event_types_item)

        program_ids: list[str] | None | Unset
        if isinstance(self.program_ids, Unset):
            program_ids = UNSET
        elif isinstance(self.program_ids, list):
            program_ids = []
            for program_ids_type_0_item_data in self.program_ids:
                program_ids_type_0_item = str(program_ids_type_0_item_data)
                program_ids.append(program_ids_type_0_item)

        else:
            program_ids = self.program_ids

        description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if program_ids is not UNSET:
            field_dict["program_ids"] = program_ids
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _event_types = d.pop("event_types", UNSET)
        event_types: list[SubscribedEventTypeEnum] | Unset = UNSET
        if _event_types is not UNSET:
            event_types = []
            for event_types_item_data in _event_types:
                event_types_item = SubscribedEventTypeEnum(event_types_item_data)

                event_types.append(event_types_item)

        def _parse_program_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                program_ids_type_0 = []
                _program_ids_type_0 = data
                for program_ids_type_0_item_data in _program_ids_type_0:
                    program_ids_type_0_item = UUID(program_ids_type_0_item_data)

                    program_ids_type_0.append(program_ids_type_0_item)

                return program_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        program_ids = _parse_program_ids(d.pop("program_ids", UNSET))

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        patched_webhook_endpoint_update_request = cls(
            url=url,
            event_types=event_types,
            program_ids=program_ids,
            description=description,
            enabled=enabled,
        )

        return patched_webhook_endpoint_update_request
