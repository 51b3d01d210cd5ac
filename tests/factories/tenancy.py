"""The practice, and the base of every tenant row's factory."""

import factory

from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n} Bookkeeping")


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside ``practice_context`` of its practice."""

    class Meta:
        abstract = True

    practice = factory.SubFactory(PracticeFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        practice = kwargs["practice"]
        with practice_context(practice.pk):
            return model_class.objects.create(*args, **kwargs)
