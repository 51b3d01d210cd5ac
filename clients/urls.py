from django.urls import path

from clients.views import clients as views
from clients.views import imports as views_import

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/export.csv", views_import.client_export, name="client_export"),
    path("clients/import/", views_import.client_import, name="client_import"),
    path(
        "clients/import/<client_import:code>/",
        views_import.client_import_preview,
        name="client_import_preview",
    ),
    path("clients/<client:code>/", views.client_detail, name="client_detail"),
    path("clients/<client:code>/edit/", views.client_edit, name="client_edit"),
    path("clients/<client:code>/archive/", views.client_archive, name="client_archive"),
    path("clients/<client:code>/restore/", views.client_restore, name="client_restore"),
    path("clients/<client:code>/contacts/", views.client_contacts, name="client_contacts"),
    path(
        "clients/<client:code>/bank-accounts/",
        views.client_bank_accounts,
        name="client_bank_accounts",
    ),
    path(
        "client-contacts/<client_contact:code>/remove/",
        views.client_contact_remove,
        name="client_contact_remove",
    ),
    path("contacts/<contact:code>/", views.contact_edit, name="contact_edit"),
    path("bank-accounts/<bank_account:code>/", views.bank_account_edit, name="bank_account_edit"),
]
