from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from atlasos.accounts.models import Invitation, User
from atlasos.tenancy.admin import TenantAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "practice", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser", "practice"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Practice", {"fields": ["practice", "role", "is_active", "deactivated_at"]}),
        ("Platform", {"fields": ["is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "practice", "role", "password1", "password2"]})
    ]
    readonly_fields = ["last_login", "date_joined", "deactivated_at"]
    filter_horizontal = []


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    list_display = ["email", "practice", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash"]
