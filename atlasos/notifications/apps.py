from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "atlasos.notifications"
    label = "notifications"
    verbose_name = "Notifications"
