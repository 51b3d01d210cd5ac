from django.urls import path

from documents import views

urlpatterns = [
    path("clients/<client:code>/documents/", views.client_documents, name="client_documents"),
    path(
        "clients/<client:code>/documents/deleted/",
        views.client_documents_deleted,
        name="client_documents_deleted",
    ),
    path("documents/<document:code>/", views.document_detail, name="document_detail"),
    path(
        "documents/<document:code>/download/",
        views.document_download,
        name="document_download",
    ),
    path("documents/<document:code>/preview/", views.document_preview, name="document_preview"),
    path("documents/<document:code>/edit/", views.document_edit, name="document_edit"),
    path("documents/<document:code>/delete/", views.document_delete, name="document_delete"),
    path("documents/<document:code>/restore/", views.document_restore, name="document_restore"),
]
