from decimal import Decimal

import factory

from ledger.tests.factories import AssetFactory
from rewards.models import Reward
from rewards.services import reward_create


class RewardFactory(factory.django.DjangoModelFactory):
    """Creates the reward through the catalog service (its validation applies)."""

    class Meta:
        model = Reward

    asset = factory.SubFactory(AssetFactory)
    program = factory.LazyAttribute(lambda o: o.asset.program)
    name = factory.Sequence(lambda n: f"Reward {n}")
    type = Reward.Type.UNIT_BASED
    unit_cost = factory.LazyAttribute(lambda o: Decimal("10.00") if o.type == Reward.Type.UNIT_BASED else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return reward_create(**kwargs)
