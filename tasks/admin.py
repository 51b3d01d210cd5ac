from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from tasks.models import Pack, PackEvent, PackItem


class ReadOnlyAdmin(TenantAdmin):
    """Packs change only through the cycle's services, which keep the audit trail."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PackItemInline(admin.TabularInline):
    model = PackItem
    fields = ["stage", "title", "mandatory", "done_at", "done_by", "done_automatically", "note"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return PackItem.unscoped_objects.select_related("done_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pack)
class PackAdmin(ReadOnlyAdmin):
    list_display = ["client", "period", "template", "practice", "current_stage", "completed_at"]
    list_filter = ["current_stage", "recurrence"]
    search_fields = ["client__name", "client__short_code"]
    list_select_related = ["client", "template", "practice"]
    inlines = [PackItemInline]


@admin.register(PackEvent)
class PackEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "pack", "action", "actor", "automatic", "detail"]
    list_filter = ["action", "automatic"]
    list_select_related = ["pack__client", "actor"]
