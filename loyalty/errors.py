"""
Domain errors: one hierarchy, each with a stable ``code`` and an HTTP status.

Services raise these; ``loyalty.api.errors.exception_handler`` is the one place
that maps them (and DRF's own exceptions) to the contract's error shape::

    {"error": {"code": "...", "message": "...", "fields": {...}}}
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PROGRAM_NOT_ACTIVE = "program_not_active"
    PARTICIPANT_NOT_ENROLLED = "participant_not_enrolled"
    REWARD_NOT_ACTIVE = "reward_not_active"
    REWARD_NOT_AVAILABLE = "reward_not_available"
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
    REWARD_OUT_OF_STOCK = "reward_out_of_stock"
    PARTICIPANT_LIMIT_EXCEEDED = "participant_limit_exceeded"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    REDEMPTION_FULLY_REVERSED = "redemption_fully_reversed"
    REVERSAL_EXCEEDS_REMAINING = "reversal_exceeds_remaining"
    ACCRUAL_REVERSAL_EXCEEDS_REMAINING = "accrual_reversal_exceeds_remaining"
    INTERNAL_ERROR = "internal_error"
    SERVICE_UNAVAILABLE = "service_unavailable"


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR
    status: int = HTTPStatus.INTERNAL_SERVER_ERROR
    default_message = "Internal error."

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_ERROR
    status = HTTPStatus.BAD_REQUEST
    default_message = "The request is not valid."

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", fields={field: [message]})


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    status = HTTPStatus.NOT_FOUND
    default_message = "Not found."


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    status = HTTPStatus.FORBIDDEN
    default_message = "This API key may not do this."


class IdempotencyKeyReused(DomainError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    status = HTTPStatus.CONFLICT
    default_message = "The idempotency key was used before with a different request."


class BusinessRuleViolation(DomainError):
    """A 422: the request is well-formed but the rules refuse it."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


class ProgramNotActive(BusinessRuleViolation):
    code = ErrorCode.PROGRAM_NOT_ACTIVE
    default_message = "The program is not active."


class ParticipantNotEnrolled(BusinessRuleViolation):
    code = ErrorCode.PARTICIPANT_NOT_ENROLLED
    default_message = "The participant is not enrolled in this program."


class RewardNotActive(BusinessRuleViolation):
    code = ErrorCode.REWARD_NOT_ACTIVE
    default_message = "The reward is not active."


class RewardNotAvailable(BusinessRuleViolation):
    code = ErrorCode.REWARD_NOT_AVAILABLE
    default_message = "The reward is not available at this time."


class AmountOutOfRange(BusinessRuleViolation):
    code = ErrorCode.AMOUNT_OUT_OF_RANGE
    default_message = "The amount is outside the reward's range."


class RewardOutOfStock(BusinessRuleViolation):
    code = ErrorCode.REWARD_OUT_OF_STOCK
    default_message = "The reward is out of stock."


class ParticipantLimitExceeded(BusinessRuleViolation):
    code = ErrorCode.PARTICIPANT_LIMIT_EXCEEDED
    default_message = "The participant's limit for this reward would be exceeded."


class InsufficientBalance(BusinessRuleViolation):
    code = ErrorCode.INSUFFICIENT_BALANCE
    default_message = "The balance is less than the cost."


class RedemptionFullyReversed(BusinessRuleViolation):
    code = ErrorCode.REDEMPTION_FULLY_REVERSED
    default_message = "Nothing is left to reverse."


class ReversalExceedsRemaining(BusinessRuleViolation):
    code = ErrorCode.REVERSAL_EXCEEDS_REMAINING
    default_message = "The reversal asks for more than is left to reverse."


class AccrualReversalExceedsRemaining(BusinessRuleViolation):
    code = ErrorCode.ACCRUAL_REVERSAL_EXCEEDS_REMAINING
    default_message = "The clawback asks for more than the lot still holds."


class ServiceUnavailable(DomainError):
    code = ErrorCode.SERVICE_UNAVAILABLE
    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = "The service is temporarily unavailable; nothing was changed. Retry later."


class LedgerInvariantViolation(DomainError):
    """A programming error: a caller asked the ledger for an invalid entry."""

    code = ErrorCode.INTERNAL_ERROR
    status = HTTPStatus.INTERNAL_SERVER_ERROR
    default_message = "The journal entry violates a ledger invariant."
