"""Fetch the inbox's rows for a view: another practice's message, attachment or rule is a 404,
the same answer as "does not exist"."""

from django.shortcuts import get_object_or_404

from inbox.models import InboundAttachment, InboundMessage, Mailbox, RoutingRule


def access_inbound_message(request, code) -> InboundMessage:
    return get_object_or_404(
        InboundMessage.objects.select_related("client", "handled_by"), code=code
    )


def access_inbound_attachment(request, code) -> InboundAttachment:
    return get_object_or_404(InboundAttachment.objects.select_related("message"), code=code)


def access_routing_rule(request, code) -> RoutingRule:
    return get_object_or_404(RoutingRule.objects.select_related("client"), code=code)


def practice_mailbox(request) -> Mailbox | None:
    """The practice's one mailbox, or None before it is set up."""
    return Mailbox.objects.first()
