import factory

from loyalty.models import Program


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    status = Program.Status.ACTIVE
