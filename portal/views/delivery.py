"""Staff side of delivery: the Deliver panel on the pack page and publishing from it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from portal.closing import closed_since
from portal.delivery import DeliveryError, delivery_panel, publish, recipients
from portal.forms import DeliveryForm
from tasks.access import access_pack
from tasks.views.packs import pack_page_context


def delivery_context(pack, form: DeliveryForm | None = None) -> dict:
    """What ``portal/_pack_delivery.html`` needs on the pack page (two queries, three before
    delivery once the review is complete: see ``delivery_panel``). ``delivery_outstanding``
    also warns in the deliver stage, above the deliver item."""
    panel = delivery_panel(pack)
    form = form or DeliveryForm(pack=pack)
    selected = form.chosen_codes
    if selected is None:
        selected = panel.preselected
    return {
        "delivery_panel": panel,
        "delivery_outstanding": panel.outstanding,
        "delivery_form": form,
        "delivery_choices": [
            (document, str(document.code) in selected) for document in panel.documents
        ],
    }


def _names(emails) -> str:
    return _names_of([email.contact.name for email in emails])


def _names_of(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def published_message(delivery, pack) -> str:
    count = delivery.links.count()
    text = (
        f"Published “{delivery.title}” to the portal: {count} document{'' if count == 1 else 's'}."
    )
    emails = recipients(delivery)
    if emails:
        text = f"{text} Emailed to {_names(emails)}."
    else:
        text = (
            f"{text} Nobody was emailed: {pack.client.name} has no portal contact yet. The "
            "documents are in the portal for when a contact is invited."
        )
    closed = [request.title for request in closed_since(pack, delivery.published_at)]
    if closed:
        text = (
            f"{text} Closed {_names_of(closed)}: the client is no longer asked for "
            f"{'them' if len(closed) > 1 else 'it'} and reminders stop."
        )
    return text


@staff_required
@require_POST
def pack_deliver(request: HttpRequest, code) -> HttpResponse:
    """Publish the chosen documents as the pack's delivery; on a refusal, the pack page again
    with the form as it was sent and the reason above it."""
    pack = access_pack(request, code)
    form = DeliveryForm(request.POST, pack=pack)
    if form.is_valid():
        try:
            delivery = publish(
                pack,
                form.cleaned_data["documents"],
                by=request.user,
                title=form.cleaned_data["title"],
                message=form.cleaned_data["message"],
                close_outstanding=form.cleaned_data["close_outstanding"],
            )
        except DeliveryError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, published_message(delivery, pack))
            return redirect(f"{pack.get_absolute_url()}#stage-deliver")
    context = pack_page_context(request, pack, extras={"delivery_form": form})
    return render(request, "tasks/pack_detail.html", context)
