from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from templates_engine.models import (
    ClientDisabledItem,
    ClientExtraItem,
    ClientTemplate,
    TaskTemplate,
    TemplateItem,
)


class ReadOnlyMixin:
    """Templates change through Settings › Task templates, which checks the due days and the
    practice of every row; the admin is for looking across practices."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TemplateItemInline(ReadOnlyMixin, admin.TabularInline):
    model = TemplateItem
    fields = ["stage", "position", "title", "mandatory", "auto_key"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return TemplateItem.unscoped_objects.order_by("position", "pk")


@admin.register(TaskTemplate)
class TaskTemplateAdmin(ReadOnlyMixin, TenantAdmin):
    list_display = ["name", "practice", "recurrence", "is_archived", "updated_at"]
    list_filter = ["recurrence", "is_archived"]
    search_fields = ["name"]
    list_select_related = ["practice"]
    inlines = [TemplateItemInline]


class ClientExtraItemInline(ReadOnlyMixin, admin.TabularInline):
    model = ClientExtraItem
    fields = ["stage", "title", "mandatory"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return ClientExtraItem.unscoped_objects.all()


class ClientDisabledItemInline(ReadOnlyMixin, admin.TabularInline):
    model = ClientDisabledItem
    fields = ["template_item"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return ClientDisabledItem.unscoped_objects.select_related("template_item")


@admin.register(ClientTemplate)
class ClientTemplateAdmin(ReadOnlyMixin, TenantAdmin):
    list_display = ["client", "template", "practice", "is_active", "assigned_at"]
    list_filter = ["is_active"]
    search_fields = ["client__name", "template__name"]
    list_select_related = ["client", "template", "practice"]
    inlines = [ClientExtraItemInline, ClientDisabledItemInline]
