from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from documents.models import Document


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    list_display = ["original_name", "client", "doc_type", "period", "source", "created_at"]
    list_filter = ["doc_type", "source"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["client", "practice"]
    readonly_fields = ["storage_key", "sha256", "size", "content_type"]
