from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("notification", "notifications.Notification")

        from atlasos import outbox
        from notifications import services

        # The worker's ``outbox.send`` task finds these outboxes by name.
        outbox.register(services.NOTIFICATION_EMAILS)
        outbox.register(services.DIGESTS)
