from django.urls import path

from notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/<notification:code>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/<notification:code>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path(
        "settings/notifications/calendar-feed/",
        views.calendar_feed_create,
        name="calendar_feed_create",
    ),
    path(
        "settings/notifications/calendar-feed/revoke/",
        views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
]
