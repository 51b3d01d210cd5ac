from django.urls import path

from reporting.views import accounts, branding, imports, mapping, renders, trial_balances

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
    path("clients/<client:code>/accounts-pack/render/", renders.render_pack, name="render"),
    path("accounts-packs/<accounts_render:code>/approve/", renders.approve, name="approve"),
    path("settings/branding/", branding.branding, name="branding"),
]
