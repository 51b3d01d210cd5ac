from django.urls import include, path

from portal.views import (
    contact_auth,
    contact_pages,
    contact_queries,
    contact_uploads,
    delivery,
    portal_access,
    reminder_settings,
    requests,
    sending,
)

# --- staff pages ------------------------------------------------------------------------------

request_urls = [
    path("clients/<client:code>/requests/", requests.client_requests, name="client_requests"),
    path("clients/<client:code>/requests/new/", requests.request_new, name="request_new"),
    path("requests/<document_request:code>/", requests.request_detail, name="request_detail"),
    path("requests/<document_request:code>/edit/", requests.request_edit, name="request_edit"),
    path(
        "requests/<document_request:code>/cancel/", requests.request_cancel, name="request_cancel"
    ),
    path(
        "requests/<document_request:code>/items/",
        requests.request_item_add,
        name="request_item_add",
    ),
    path(
        "request-items/<request_item:code>/remove/",
        requests.request_item_remove,
        name="request_item_remove",
    ),
    path(
        "request-items/<request_item:code>/not-applicable/",
        requests.request_item_not_applicable,
        name="request_item_not_applicable",
    ),
    path(
        "request-items/<request_item:code>/needed/",
        requests.request_item_needed,
        name="request_item_needed",
    ),
    path(
        "request-items/<request_item:code>/upload/",
        requests.request_item_upload,
        name="request_item_upload",
    ),
    path(
        "request-items/<request_item:code>/unlink/",
        requests.request_item_unlink,
        name="request_item_unlink",
    ),
]

sending_urls = [
    path("requests/<document_request:code>/send/", sending.request_send, name="request_send"),
]

reminder_urls = [
    path("settings/reminders/", reminder_settings.reminder_settings, name="reminder_settings"),
    path(
        "clients/<client:code>/reminders/",
        reminder_settings.client_reminders,
        name="client_reminders",
    ),
]

delivery_urls = [
    path("packs/<pack:code>/deliver/", delivery.pack_deliver, name="pack_deliver"),
]

# Giving a client's contact portal access (outside /portal/, which is the contacts' own).
portal_access_urls = [
    path(
        "client-contacts/<client_contact:code>/portal/invite/",
        portal_access.portal_invite,
        name="client_contact_portal_invite",
    ),
    path(
        "client-contacts/<client_contact:code>/portal/revoke/",
        portal_access.portal_revoke,
        name="client_contact_portal_revoke",
    ),
]

# --- the contacts' portal, under /portal/ -----------------------------------------------------

contact_sign_in_urls = [
    path("", contact_auth.portal_home, name="portal_home"),
    path("switch/", contact_auth.portal_switch, name="portal_switch"),
    path("sign-in/", contact_auth.portal_sign_in, name="portal_sign_in"),
    path("sign-in/link/", contact_auth.sign_in_link, name="portal_sign_in_link"),
    path("link/<str:token>/", contact_auth.portal_link, name="portal_link"),
]

contact_page_urls = [
    path("clients/<client:code>/", contact_pages.client_page, name="portal_client"),
    path("clients/<client:code>/documents/", contact_pages.documents_page, name="portal_documents"),
    path("requests/<document_request:code>/", contact_pages.request_page, name="portal_request"),
    path(
        "request-items/<request_item:code>/upload/",
        contact_uploads.item_upload,
        name="portal_item_upload",
    ),
    path(
        "request-items/<request_item:code>/not-applicable/",
        contact_uploads.item_not_applicable,
        name="portal_item_not_applicable",
    ),
    path(
        "documents/<document:code>/download/",
        contact_pages.document_download,
        name="portal_document_download",
    ),
    path("deliveries/<delivery:code>/", contact_pages.delivery_page, name="portal_delivery"),
    path("clients/<client:code>/queries/", contact_queries.queries_page, name="portal_queries"),
    path("queries/<client_query:code>/", contact_queries.query_page, name="portal_query"),
    path(
        "deliveries/<delivery:code>/acknowledge/",
        contact_pages.delivery_acknowledge,
        name="portal_delivery_acknowledge",
    ),
]

urlpatterns = [
    *request_urls,
    *sending_urls,
    *reminder_urls,
    *delivery_urls,
    *portal_access_urls,
    path("portal/", include(contact_sign_in_urls + contact_page_urls)),
]
