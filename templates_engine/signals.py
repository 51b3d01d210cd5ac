from django.db.models.signals import post_save
from django.dispatch import receiver

from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice


@receiver(post_save, sender=Practice)
def give_new_practice_the_standard_template(sender, instance, created, raw=False, **kwargs):
    """Every practice starts with the standard monthly template."""
    if created and not raw:
        from templates_engine.services import create_standard_template

        with practice_context(instance.pk):
            create_standard_template()
