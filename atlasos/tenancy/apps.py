from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "atlasos.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
