from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Client portal and documents"

    def ready(self):
        from atlasos.tenancy.converters import register_code_converter

        register_code_converter("document_request", "portal.DocumentRequest")
        register_code_converter("request_item", "portal.RequestItem")
        register_code_converter("delivery", "portal.Delivery")
        register_code_converter("portal_account", "portal.PortalAccount")
        register_code_converter("portal_email", "portal.PortalEmail")
        register_code_converter("client_query", "portal.ClientQuery")

        from atlasos import outbox
        from portal import mail

        # The worker's ``outbox.send`` task finds client emails by this outbox's name.
        outbox.register(mail.CLIENT_EMAILS)

        from portal.closing import on_pack_delivered
        from tasks.signals import pack_delivered

        # A delivered pack closes its period's open document requests (tasks cannot import
        # the portal: it sends the signal, the portal acts on it).
        pack_delivered.connect(on_pack_delivered, dispatch_uid="portal_close_open_requests")

        from portal.requests import on_packs_created
        from tasks.signals import packs_created

        # Each new pack gets its document request, from its collect stage.
        packs_created.connect(on_packs_created, dispatch_uid="portal_requests_for_new_packs")

        from portal.pack_parts import portal_pack_parts
        from tasks.extensions import register_pack_parts

        # The pack page and the calendar panel show the request's progress and the Deliver
        # panel: the portal fills the places tasks leaves for it.
        register_pack_parts(portal_pack_parts)

        from documents.extensions import Hold, register_hold
        from portal.delivery import delivered_in, delivery_links

        # A document delivered to the client is what the client received: it stays.
        register_hold(Hold(reason=delivered_in, holders=delivery_links))

        from atlasos.entrances import register_error_page, register_start_page
        from portal.contact_access import error_page, start_page

        # Client contacts start on the portal's home and see its error pages.
        register_start_page(start_page)
        register_error_page(error_page)

        from clients.extensions import ContactColumn, contact_removed, register_contact_column
        from portal.portal_accounts import on_contact_removed, with_portal_access

        # A client's Contacts tab shows each contact's portal access; removing a contact from
        # the client revokes it (a former contact must not keep seeing the documents).
        register_contact_column(
            ContactColumn("Client portal", "portal/_contact_portal_access.html", with_portal_access)
        )
        contact_removed.connect(on_contact_removed, dispatch_uid="portal_revoke_removed_contact")
