from django.contrib import admin

from atlasos.tenancy.models import Practice


class TenantAdmin(admin.ModelAdmin):
    """Admin across practices: the admin runs inside ``unscoped`` for platform superusers."""

    def get_queryset(self, request):
        return self.model.unscoped_objects.all()


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "timezone", "require_mfa", "created_at"]
    search_fields = ["name"]
