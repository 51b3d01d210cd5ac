from django.urls import path

from reporting.views import (
    accounts,
    branding,
    budget,
    commentary,
    compliance_imports,
    imports,
    mapping,
    renders,
    review,
    trial_balances,
)

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
    path("clients/<client:code>/budget/import/", budget.import_budget, name="import_budget"),
    path(
        "clients/<client:code>/vat-returns/import/",
        compliance_imports.import_vat_return,
        name="import_vat",
    ),
    path(
        "clients/<client:code>/payroll-summaries/import/",
        compliance_imports.import_payroll,
        name="import_payroll",
    ),
    path("clients/<client:code>/account-mapping/", mapping.account_mapping, name="mapping"),
    path(
        "trial-balances/<trial_balance:code>/", trial_balances.trial_balance, name="trial_balance"
    ),
    path("clients/<client:code>/accounts-pack/render/", renders.render_pack, name="render"),
    path("accounts-packs/<accounts_render:code>/approve/", renders.approve, name="approve"),
    path("settings/branding/", branding.branding, name="branding"),
    path(
        "clients/<client:code>/variance-comments/",
        commentary.variance_comment,
        name="variance_comment",
    ),
    path(
        "clients/<client:code>/management-commentary/",
        commentary.management_commentary,
        name="commentary",
    ),
    path(
        "clients/<client:code>/reporting-settings/",
        commentary.reporting_settings,
        name="settings",
    ),
    path("packs/<pack:code>/review/", review.review_page, name="review"),
    path("packs/<pack:code>/review/points/", review.raise_point, name="raise_point"),
    path("packs/<pack:code>/review/sign-off/", review.sign_off, name="sign_off"),
    path("review-points/<review_point:code>/answer/", review.answer_point, name="answer_point"),
    path("review-points/<review_point:code>/clear/", review.clear_point, name="clear_point"),
    path("review-points/<review_point:code>/ask-client/", review.ask_client, name="ask_client"),
]
