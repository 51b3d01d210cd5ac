from django.apps import AppConfig


class TemplatesEngineConfig(AppConfig):
    name = "templates_engine"
    verbose_name = "Task templates"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter
        from templates_engine import signals  # noqa: F401 - connects the receivers

        register_code_converter("template", "templates_engine.TaskTemplate")
        register_code_converter("template_item", "templates_engine.TemplateItem")
        register_code_converter("client_template", "templates_engine.ClientTemplate")
        register_code_converter("extra_item", "templates_engine.ClientExtraItem")
