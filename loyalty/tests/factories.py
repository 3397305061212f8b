import factory

from loyalty.models import Membership, Program, Tenant

DEFAULT_TENANT_NAME = "Default"  # the tenant every installation starts with (loyalty migration 0003)


def default_tenant() -> Tenant:
    """
    The tenant Default that the migrations create. A transactional test
    flushes the tables after it ran: then it is made again, by name.
    """
    return Tenant.objects.get_or_create(name=DEFAULT_TENANT_NAME)[0]


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Tenant {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program of the tenant Default unless ``tenant`` says otherwise."""

    class Meta:
        model = Program

    tenant = factory.LazyFunction(default_tenant)
    name = factory.Sequence(lambda n: f"Program {n}")
    status = Program.Status.ACTIVE
