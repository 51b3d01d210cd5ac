from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from notifications.models import (
    CalendarFeed,
    Digest,
    Notification,
    NotificationPreference,
    OverdueAlert,
)


class ReadOnlyAdmin(TenantAdmin):
    """Written by the alert job and the members themselves; the admin only looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "title", "practice", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient", "practice"]


@admin.register(OverdueAlert)
class OverdueAlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "pack", "stage", "due", "practice"]
    list_filter = ["stage"]
    list_select_related = ["pack__client", "practice"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "state", "claimed_at", "sent_at", "practice"]
    list_filter = ["state"]
    list_select_related = ["user", "practice"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "email", "updated_at", "practice"]
    list_filter = ["email"]
    list_select_related = ["user", "practice"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "revoked_at", "practice"]
    exclude = ["token_hash"]
    list_select_related = ["user", "practice"]
