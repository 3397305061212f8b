from enum import StrEnum


class SubscribedEventTypeEnum(StrEnum):
    ACCRUAL_CREATED = "accrual.created"
    ACCRUAL_RELEASED = "accrual.released"
    ACCRUAL_REVERSED = "accrual.reversed"
    PARTICIPANT_CREATED = "participant.created"
    PARTICIPANT_ENROLLED = "participant.enrolled"
    POINTS_EXPIRED = "points.expired"
    REDEMPTION_CREATED = "redemption.created"
    REDEMPTION_REVERSED = "redemption.reversed"
    REWARD_BACK_IN_STOCK = "reward.back_in_stock"
    REWARD_CREATED = "reward.created"
    REWARD_OUT_OF_STOCK = "reward.out_of_stock"
    REWARD_UPDATED = "reward.updated"
    VALUE_0 = "*"

    def __str__(self) -> str:
        return str(self.value)
