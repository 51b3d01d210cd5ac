from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "Packs and the monthly cycle"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("pack", "tasks.Pack")
        register_code_converter("pack_item", "tasks.PackItem")
