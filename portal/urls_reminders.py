"""Staff pages of sending requests and of reminders."""

from django.urls import path

from portal import views_reminder_settings as reminder_settings
from portal import views_sending as sending

urlpatterns = [
    path("requests/<document_request:code>/send/", sending.request_send, name="request_send"),
    path("settings/reminders/", reminder_settings.reminder_settings, name="reminder_settings"),
    path(
        "clients/<client:code>/reminders/",
        reminder_settings.client_reminders,
        name="client_reminders",
    ),
]
