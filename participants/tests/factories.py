import factory

from participants.models import Enrollment, Participant


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    external_id = factory.Sequence(lambda n: f"member-{n}")
    display_name = factory.Faker("name")
    email = factory.Faker("email")

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        if create and extracted:
            for program in extracted:
                Enrollment.objects.get_or_create(participant=self, program=program)
