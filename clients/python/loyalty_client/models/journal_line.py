from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_type_enum import AccountTypeEnum
from ..models.line_direction_enum import LineDirectionEnum

T = TypeVar("T", bound="JournalLine")


@_attrs_define
class JournalLine:
    """
    Attributes:
        account_id (UUID):
        account_type (AccountTypeEnum | str): One of `AccountTypeEnum`; a later version may add values, so a client
            accepts any string here.
        participant_id (None | UUID): Null on program accounts.
        asset_id (UUID):
        direction (LineDirectionEnum | str): One of `LineDirectionEnum`; a later version may add values, so a client
            accepts any string here.
        amount (str): Decimal string with exactly the asset's scale decimal places. Example: 50.00.
    """

    account_id: UUID
    account_type: AccountTypeEnum | str
    participant_id: None | UUID
    asset_id: UUID
    direction: LineDirectionEnum | str
    amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = str(self.account_id)

        account_type: str
        if isinstance(self.account_type, AccountTypeEnum):
            account_type = self.account_type.value
        else:
            account_type = self.account_type

        participant_id: None | str
        if isinstance(self.participant_id, UUID):
            participant_id = str(self.participant_id)
        else:
            participant_id = self.participant_id

        asset_id = str(self.asset_id)

        direction: str
        if isinstance(self.direction, LineDirectionEnum):
            direction = self.direction.value
        else:
            direction = self.direction

        amount = self.amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "account_type": account_type,
                "participant_id": participant_id,
                "asset_id": asset_id,
                "direction": direction,
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = UUID(d.pop("account_id"))

        def _parse_account_type(data: object) -> AccountTypeEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                account_type_type_0 = AccountTypeEnum(data)

                return account_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountTypeEnum | str, data)

        account_type = _parse_account_type(d.pop("account_type"))

        def _parse_participant_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                participant_id_type_0 = UUID(data)

                return participant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        participant_id = _parse_participant_id(d.pop("participant_id"))

        asset_id = UUID(d.pop("asset_id"))

        def _parse_direction(data: object) -> LineDirectionEnum | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                direction_type_0 = LineDirectionEnum(data)

                return direction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LineDirectionEnum | str, data)

        direction = _parse_direction(d.pop("direction"))

        amount = d.pop("amount")

        journal_line = cls(
            account_id=account_id,
            account_type=account_type,
            participant_id=participant_id,
            asset_id=asset_id,
            direction=direction,
            amount=amount,
        )

        journal_line.additional_properties = d
        return journal_line

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
