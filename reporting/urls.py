from django.urls import path

from reporting.views import accounts, imports, mapping, trial_balances

app_name = "reporting"

urlpatterns = [
    path(
        "clients/<client:code>/management-accounts/",
        accounts.management_accounts,
        name="accounts",
    ),
    path(
        "clients/<client:code>/trial-balances/import/",
        imports.import_trial_balance,
        name="import",
    ),
    path("clients/<client:code>/account-mapping/", mapping.account_mapping, name="mapping"),
    path(
        "trial-balances/<trial_balance:code>/", trial_balances.trial_balance, name="trial_balance"
    ),
]
