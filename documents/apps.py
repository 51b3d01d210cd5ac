from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Client documents"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("document", "documents.Document")
