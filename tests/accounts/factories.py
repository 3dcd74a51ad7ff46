import factory
from django.utils import timezone

from apps.accounts.models import Agency, AgencyKind, Membership, Role, Team, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.CHILD_PROTECTION
    country = "PT"
    jurisdiction = "Test District"
    time_zone = "Europe/Lisbon"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER
    started_at = factory.LazyFunction(timezone.now)
    # In force by default, as if a second person had approved it: tests of other rules need a
    # working role. Tests of approval itself use the services (or `pending=True`).
    approved_at = factory.LazyAttribute(lambda m: None if m.pending else m.started_at)

    class Params:
        pending = False
