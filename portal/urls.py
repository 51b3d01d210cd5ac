from django.urls import path

from portal import views_documents as documents

urlpatterns = [
    path("clients/<client:code>/documents/", documents.client_documents, name="client_documents"),
    path(
        "clients/<client:code>/documents/deleted/",
        documents.client_documents_deleted,
        name="client_documents_deleted",
    ),
    path("documents/<document:code>/", documents.document_detail, name="document_detail"),
    path(
        "documents/<document:code>/download/",
        documents.document_download,
        name="document_download",
    ),
    path("documents/<document:code>/preview/", documents.document_preview, name="document_preview"),
    path("documents/<document:code>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<document:code>/delete/", documents.document_delete, name="document_delete"),
    path("documents/<document:code>/restore/", documents.document_restore, name="document_restore"),
]
