from enum import StrEnum


class ErrorCode(StrEnum):
    ACCRUAL_REVERSAL_EXCEEDS_REMAINING = "accrual_reversal_exceeds_remaining"
    AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
    AUTHENTICATION_FAILED = "authentication_failed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    INTERNAL_ERROR = "internal_error"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_FOUND = "not_found"
    PARTICIPANT_LIMIT_EXCEEDED = "participant_limit_exceeded"
    PARTICIPANT_NOT_ENROLLED = "participant_not_enrolled"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PERMISSION_DENIED = "permission_denied"
    PROGRAM_NOT_ACTIVE = "program_not_active"
    RATE_LIMITED = "rate_limited"
    REDEMPTION_FULLY_REVERSED = "redemption_fully_reversed"
    REVERSAL_EXCEEDS_REMAINING = "reversal_exceeds_remaining"
    REWARD_NOT_ACTIVE = "reward_not_active"
    REWARD_NOT_AVAILABLE = "reward_not_available"
    REWARD_OUT_OF_STOCK = "reward_out_of_stock"
    SERVICE_UNAVAILABLE = "service_unavailable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_ERROR = "validation_error"

    def __str__(self) -> str:
        return str(self.value)
