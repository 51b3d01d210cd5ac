from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "reconciliation"
    verbose_name = "Bank reconciliation"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("reconciliation", "reconciliation.Reconciliation")
        register_code_converter("recon_match", "reconciliation.Match")
        register_code_converter("recon_line", "reconciliation.Line")

        from reconciliation.integration import register

        # The client page and the pack's reconcile stage link to each bank account's
        # reconciliation: the places the floors below leave for it.
        register()
