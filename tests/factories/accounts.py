"""Members of a practice and their invitations."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from atlasos import clock as wall_clock
from atlasos.accounts.models import Invitation, Role, hash_token
from tests.factories.tenancy import PracticeFactory, TenantFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Member {n}")
    practice = factory.SubFactory(PracticeFactory)
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.STAFF
    token_hash = factory.Sequence(lambda n: hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: wall_clock.now() + timezone.timedelta(days=7))
