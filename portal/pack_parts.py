"""What the portal shows on a pack's pages (``tasks.extensions``): the document request's
progress among the pack's facts, the Deliver panel in the deliver stage, and the warning
before delivering while documents are outstanding."""

from portal.requests import pack_request
from portal.views.delivery import delivery_context
from tasks.extensions import PackExtras, PackPart

OPEN_REQUEST_WARNING = (
    "{title} is still open: delivering closes the request and stops its reminders."
)


def portal_pack_parts(request, pack, *, page: str, delivery_form=None, **extra) -> PackExtras:
    """One query for the request on either page; on the pack page, the Deliver panel's too
    (see ``delivery_context``)."""
    extras = PackExtras()
    document_request = pack_request(pack)
    if document_request is not None:
        fact = {"document_request": document_request, "fact_id": "pack-request"}
        if page != "pack":
            fact["fact_id"] = ""
        extras.parts["facts"] = [PackPart("portal/_pack_request_fact.html", fact)]
    if page == "pack":
        delivery = delivery_context(pack, delivery_form)
        extras.parts["deliver"] = [PackPart("portal/_pack_delivery.html", delivery)]
        if delivery["delivery_outstanding"]:
            extras.deliver_warning = delivery["delivery_outstanding"].text
    elif document_request is not None and document_request.is_open:
        extras.deliver_warning = OPEN_REQUEST_WARNING.format(title=document_request.title)
    return extras
