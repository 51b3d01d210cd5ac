from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Smart Inbox"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("inbound_message", "inbox.InboundMessage")
        register_code_converter("inbound_attachment", "inbox.InboundAttachment")
        register_code_converter("routing_rule", "inbox.RoutingRule")

        from django.db.models.signals import post_save

        from atlasos.tenancy.models import Practice
        from clients.models import Client
        from inbox.addresses import on_client_saved, on_practice_saved

        # Every practice and every client has its inbound address from the day it is made.
        post_save.connect(on_practice_saved, sender=Practice, dispatch_uid="inbox_practice_address")
        post_save.connect(on_client_saved, sender=Client, dispatch_uid="inbox_client_address")

        from django.db.models.signals import post_delete

        from clients.extensions import clients_imported
        from clients.models import BankAccount, ClientContact, Contact
        from inbox.facts import forget, on_client_fact_changed

        # The router keeps each practice's client facts between messages (inbox.facts): any
        # change to what it routes on makes every process read them again.
        for model in (Client, BankAccount, Contact, ClientContact):
            uid = f"inbox_facts_{model.__name__}"
            post_save.connect(on_client_fact_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(on_client_fact_changed, sender=model, dispatch_uid=uid)
        clients_imported.connect(
            lambda sender, practice_id, **kwargs: forget(practice_id),
            weak=False,
            dispatch_uid="inbox_facts_imported",
        )

        from anymail.signals import inbound

        def deliver(sender, **kwargs):
            # Mail the email providers post (inbox.webhook_urls) goes through the one intake;
            # imported when mail comes, not at start (anymail's SES view brings in boto3).
            from inbox.webhooks import on_inbound

            on_inbound(sender, **kwargs)

        inbound.connect(deliver, weak=False, dispatch_uid="inbox.webhooks.on_inbound")

        from inbox.integration import register

        # The client page, the request email and reminders, and the Documents tab show the
        # client's address and where emailed documents came from: the places the floors below
        # leave for the inbox.
        register()
