from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Management accounts"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("trial_balance", "reporting.TrialBalance")
        register_code_converter("accounts_render", "reporting.AccountsRender")
        register_code_converter("review_point", "reporting.ReviewPoint")

        from portal.queries import query_answered
        from reporting.review import on_query_answered

        # A client's answer in the portal comes back to the review point that asked.
        query_answered.connect(on_query_answered, dispatch_uid="reporting.review_point_answer")

        from reporting.integration import register

        # The pack's prepare stage and the client page link to the management accounts: the
        # places the floors below leave for them.
        register()
