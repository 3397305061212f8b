from decimal import Decimal

import factory

from ledger.models import Asset
from ledger.services import asset_create
from loyalty.tests.factories import ProgramFactory


class AssetFactory(factory.django.DjangoModelFactory):
    """Creates the asset through the service, so its program accounts exist too."""

    class Meta:
        model = Asset

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"POINTS{n}")
    name = "Points"
    scale = 2

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        program = kwargs.pop("program")
        return asset_create(program=program, **kwargs)


def fund(participant, asset, amount, *, program=None):
    """Credit ``amount`` to the participant's wallet through the accrual service."""
    from participants.services import accrual_create

    return accrual_create(
        program=program or asset.program, participant=participant, asset=asset, amount=Decimal(amount)
    ).record
