"""The portal's Queries tab: the practice's questions to the client, and the contact's answer
(text and files, through the document store's upload checks)."""

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal import queries
from portal.contact_access import (
    access_granted,
    access_granted_client,
    contact_required,
    frame,
    granted_client_ids,
)
from portal.forms import QueryAnswerForm
from portal.models import ClientQuery

SHOWN = (ClientQuery.State.OPEN, ClientQuery.State.ANSWERED)


def visible_queries(client_ids):
    open_first = Case(
        When(state=ClientQuery.State.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        ClientQuery.objects.filter(client_id__in=client_ids, state__in=SHOWN)
        .select_related("client", "answered_by")
        .order_by(open_first, "-asked_at")
    )


@contact_required
@require_GET
def queries_page(request: HttpRequest, code) -> HttpResponse:
    client = access_granted_client(request, code)
    context = frame(request, client, "queries")
    context.update(client=client, queries=list(visible_queries([client.pk])[:100]))
    return render(request, "portal/contact/queries.html", context)


@contact_required
@require_http_methods(["GET", "POST"])
def query_page(request: HttpRequest, code) -> HttpResponse:
    query = access_granted(request, visible_queries(granted_client_ids(request)), code)
    if request.method == "POST" and query.state != ClientQuery.State.OPEN:
        messages.info(request, "This query is answered already: here is the answer.")
        return redirect(query.get_portal_url())
    form = QueryAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            queries.answer(
                query, request.contact, form.cleaned_data["answer"], form.cleaned_data["files"]
            )
        except queries.AnswerRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you: your answer is with your accountant.")
            return redirect(query.get_portal_url())
    context = frame(request, query.client, "queries")
    context.update(
        client=query.client, query=query, form=form, documents=list(query.documents.all())
    )
    return render(request, "portal/contact/query.html", context, status=400 if form.errors else 200)
