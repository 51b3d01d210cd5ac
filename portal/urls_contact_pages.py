"""The client contact's pages of the portal (included at ``/portal/``)."""

from django.urls import path

from portal import views_contact_pages as pages
from portal import views_contact_uploads as uploads

urlpatterns = [
    path("clients/<client:code>/", pages.client_page, name="portal_client"),
    path("clients/<client:code>/documents/", pages.documents_page, name="portal_documents"),
    path("requests/<document_request:code>/", pages.request_page, name="portal_request"),
    path(
        "request-items/<request_item:code>/upload/",
        uploads.item_upload,
        name="portal_item_upload",
    ),
    path(
        "request-items/<request_item:code>/not-applicable/",
        uploads.item_not_applicable,
        name="portal_item_not_applicable",
    ),
    path(
        "documents/<document:code>/download/",
        pages.document_download,
        name="portal_document_download",
    ),
    path("deliveries/<delivery:code>/", pages.delivery_page, name="portal_delivery"),
    path(
        "deliveries/<delivery:code>/acknowledge/",
        pages.delivery_acknowledge,
        name="portal_delivery_acknowledge",
    ),
]
