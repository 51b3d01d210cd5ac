from django.contrib import admin

from atlasos.tenancy.admin import TenantAdmin
from clients.models import BankAccount, Client, Contact


@admin.register(Client)
class ClientAdmin(TenantAdmin):
    list_display = ["short_code", "name", "practice", "entity_type", "status"]
    list_filter = ["entity_type", "status"]
    search_fields = ["name", "short_code", "company_number"]
    list_select_related = ["practice"]


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    list_display = ["name", "email", "practice"]
    search_fields = ["name", "email"]


@admin.register(BankAccount)
class BankAccountAdmin(TenantAdmin):
    list_display = ["name", "client", "bank_name", "currency", "is_active"]
    list_select_related = ["client"]
