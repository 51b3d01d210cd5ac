from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("client", "clients.Client")
        register_code_converter("contact", "clients.Contact")
        register_code_converter("client_contact", "clients.ClientContact")
        register_code_converter("bank_account", "clients.BankAccount")
        register_code_converter("client_import", "clients.ClientImport")
