from django.urls import include, path

from portal import views_requests as requests  # noqa: E402

urlpatterns = [
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

# The client portal (contacts) and the staff pages of sending, reminders and delivery: each in
# its own module.
urlpatterns += [
    path("portal/", include("portal.urls_contact")),
    path("portal/", include("portal.urls_contact_pages")),
    path("", include("portal.urls_reminders")),
    path("", include("portal.urls_delivery")),
    path("", include("portal.urls_portal_access")),
]
