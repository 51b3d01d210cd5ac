from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core as an app, for what belongs to no floor above it: ``run_periodic_jobs``."""

    name = "atlasos"
    label = "core"
    verbose_name = "AtlasOS core"
