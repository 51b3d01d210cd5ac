from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "atlasos.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("member", "accounts.User")
        register_code_converter("invitation", "accounts.Invitation")
