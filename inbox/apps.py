from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Smart Inbox"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("inbound_message", "inbox.InboundMessage")
        register_code_converter("inbound_attachment", "inbox.InboundAttachment")
        register_code_converter("routing_rule", "inbox.RoutingRule")
