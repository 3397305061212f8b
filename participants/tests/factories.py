import factory

from loyalty.tests.factories import default_tenant
from participants.models import Enrollment, Participant


class ParticipantFactory(factory.django.DjangoModelFactory):
    """
    A participant, enrolled in ``programs`` (if given). Of the tenant of its
    programs (the first one's), else of ``tenant``, else of the tenant Default.
    """

    class Meta:
        model = Participant
        skip_postgeneration_save = True

    tenant = factory.LazyFunction(default_tenant)
    external_id = factory.Sequence(lambda n: f"member-{n}")
    display_name = factory.Faker("name")
    email = factory.Faker("email")

    @classmethod
    def _generate(cls, strategy, params):
        programs = params.get("programs")
        if programs and "tenant" not in params:
            params = {**params, "tenant": programs[0].tenant}
        return super()._generate(strategy, params)

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        if create and extracted:
            for program in extracted:
                if program.tenant_id != self.tenant_id:
                    raise ValueError("A participant is enrolled only in programs of its own tenant.")
                Enrollment.objects.get_or_create(participant=self, program=program, tenant_id=self.tenant_id)
