from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from portal.models import DocumentRequest, RequestItem


@admin.register(DocumentRequest)
class DocumentRequestAdmin(TenantAdmin):
    list_display = ["title", "client", "due", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "client__name"]
    list_select_related = ["client", "practice"]
    raw_id_fields = ["client", "pack"]


@admin.register(RequestItem)
class RequestItemAdmin(TenantAdmin):
    list_display = ["title", "request", "doc_type", "required", "received_at", "marked_at"]
    list_filter = ["doc_type", "required"]
    search_fields = ["title"]
    list_select_related = ["request", "practice"]
    raw_id_fields = ["request", "bank_account"]
