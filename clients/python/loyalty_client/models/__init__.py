"""Contains all the data models used in inputs/outputs"""

from .account_type_enum import AccountTypeEnum
from .accrual import Accrual
from .accrual_create_request import AccrualCreateRequest
from .accrual_reversal import AccrualReversal
from .accrual_reversal_create_request import AccrualReversalCreateRequest
from .accrual_status_enum import AccrualStatusEnum
from .allocation import Allocation
from .asset import Asset
from .asset_create_request import AssetCreateRequest
from .audit_actor import AuditActor
from .audit_actor_type_enum import AuditActorTypeEnum
from .audit_event import AuditEvent
from .audit_event_changes import AuditEventChanges
from .balance import Balance
from .catalog_redemption_create_request import CatalogRedemptionCreateRequest
from .delivery import Delivery
from .delivery_status_enum import DeliveryStatusEnum
from .direct_redemption_create_request import DirectRedemptionCreateRequest
from .error import Error
from .error_code import ErrorCode
from .error_fields import ErrorFields
from .error_response import ErrorResponse
from .event import Event
from .event_type_enum import EventTypeEnum
from .expiring import Expiring
from .healthz_response_200 import HealthzResponse200
from .healthz_response_200_cache import HealthzResponse200Cache
from .healthz_response_200_database import HealthzResponse200Database
from .healthz_response_200_status import HealthzResponse200Status
from .healthz_response_503 import HealthzResponse503
from .healthz_response_503_cache import HealthzResponse503Cache
from .healthz_response_503_database import HealthzResponse503Database
from .healthz_response_503_status import HealthzResponse503Status
from .journal_entry import JournalEntry
from .journal_entry_kind_enum import JournalEntryKindEnum
from .journal_line import JournalLine
from .key_summary import KeySummary
from .line_direction_enum import LineDirectionEnum
from .me import Me
from .paginated_accrual_list import PaginatedAccrualList
from .paginated_accrual_reversal_list import PaginatedAccrualReversalList
from .paginated_asset_list import PaginatedAssetList
from .paginated_audit_event_list import PaginatedAuditEventList
from .paginated_balance_list import PaginatedBalanceList
from .paginated_delivery_list import PaginatedDeliveryList
from .paginated_event_list import PaginatedEventList
from .paginated_journal_entry_list import PaginatedJournalEntryList
from .paginated_participant_list import PaginatedParticipantList
from .paginated_program_list import PaginatedProgramList
from .paginated_redemption_list import PaginatedRedemptionList
from .paginated_reversal_list import PaginatedReversalList
from .paginated_reward_list import PaginatedRewardList
from .paginated_webhook_endpoint_list import PaginatedWebhookEndpointList
from .participant import Participant
from .participant_create_request import ParticipantCreateRequest
from .patched_asset_update_request import PatchedAssetUpdateRequest
from .patched_program_update_request import PatchedProgramUpdateRequest
from .patched_reward_update_request import PatchedRewardUpdateRequest
from .patched_webhook_endpoint_update_request import PatchedWebhookEndpointUpdateRequest
from .program import Program
from .program_create_request import ProgramCreateRequest
from .program_status_enum import ProgramStatusEnum
from .redemption import Redemption
from .redemption_preview import RedemptionPreview
from .redemption_status_enum import RedemptionStatusEnum
from .reversal import Reversal
from .reversal_create_request import ReversalCreateRequest
from .reward import Reward
from .reward_code_counts import RewardCodeCounts
from .reward_codes_added import RewardCodesAdded
from .reward_codes_create_request import RewardCodesCreateRequest
from .reward_create_request import RewardCreateRequest
from .reward_fulfilment_enum import RewardFulfilmentEnum
from .reward_settable_status_enum import RewardSettableStatusEnum
from .reward_status_enum import RewardStatusEnum
from .reward_type_enum import RewardTypeEnum
from .subscribed_event_type_enum import SubscribedEventTypeEnum
from .tenant_summary import TenantSummary
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create_request import WebhookEndpointCreateRequest
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret

__all__ = (
    "AccountTypeEnum",
    "Accrual",
    "AccrualCreateRequest",
    "AccrualReversal",
    "AccrualReversalCreateRequest",
    "AccrualStatusEnum",
    "Allocation",
    "Asset",
    "AssetCreateRequest",
    "AuditActor",
    "AuditActorTypeEnum",
    "AuditEvent",
    "AuditEventChanges",
    "Balance",
    "CatalogRedemptionCreateRequest",
    "Delivery",
    "DeliveryStatusEnum",
    "DirectRedemptionCreateRequest",
    "Error",
    "ErrorCode",
    "ErrorFields",
    "ErrorResponse",
    "Event",
    "EventTypeEnum",
    "Expiring",
    "HealthzResponse200",
    "HealthzResponse200Cache",
    "HealthzResponse200Database",
    "HealthzResponse200Status",
    "HealthzResponse503",
    "HealthzResponse503Cache",
    "HealthzResponse503Database",
    "HealthzResponse503Status",
    "JournalEntry",
    "JournalEntryKindEnum",
    "JournalLine",
    "KeySummary",
    "LineDirectionEnum",
    "Me",
    "PaginatedAccrualList",
    "PaginatedAccrualReversalList",
    "PaginatedAssetList",
    "PaginatedAuditEventList",
    "PaginatedBalanceList",
    "PaginatedDeliveryList",
    "PaginatedEventList",
    "PaginatedJournalEntryList",
    "PaginatedParticipantList",
    "PaginatedProgramList",
    "PaginatedRedemptionList",
    "PaginatedReversalList",
    "PaginatedRewardList",
    "PaginatedWebhookEndpointList",
    "Participant",
    "ParticipantCreateRequest",
    "PatchedAssetUpdateRequest",
    "PatchedProgramUpdateRequest",
    "PatchedRewardUpdateRequest",
    "PatchedWebhookEndpointUpdateRequest",
    "Program",
    "ProgramCreateRequest",
    "ProgramStatusEnum",
    "Redemption",
    "RedemptionPreview",
    "RedemptionStatusEnum",
    "Reversal",
    "ReversalCreateRequest",
    "Reward",
    "RewardCodeCounts",
    "RewardCodesAdded",
    "RewardCodesCreateRequest",
    "RewardCreateRequest",
    "RewardFulfilmentEnum",
    "RewardSettableStatusEnum",
    "RewardStatusEnum",
    "RewardTypeEnum",
    "SubscribedEventTypeEnum",
    "TenantSummary",
    "WebhookEndpoint",
    "WebhookEndpointCreateRequest",
    "WebhookEndpointWithSecret",
)
