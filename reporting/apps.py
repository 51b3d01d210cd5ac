from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Management accounts"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("trial_balance", "reporting.TrialBalance")
        register_code_converter("accounts_render", "reporting.AccountsRender")

        from reporting.integration import register

        # The pack's prepare stage and the client page link to the management accounts: the
        # places the floors below leave for them.
        register()
