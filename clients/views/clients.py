from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from atlasos.accounts.decorators import manager_required, staff_required
from atlasos.htmx import is_fragment_request
from clients import services
from clients.access import (
    access_bank_account,
    access_client,
    access_client_contact,
    access_contact,
)
from clients.extensions import annotate_contacts, client_parts, contact_columns
from clients.forms import BankAccountForm, ClientFilterForm, ClientForm, ContactForm
from clients.models import BankAccount, Client, ClientContact, Tag

PAGE_SIZE = 50


def filtered_clients(request: HttpRequest):
    """The client list as the filters in the URL ask for it (shared by the list and export)."""
    form = ClientFilterForm(
        request.GET or None, practice_id=request.user.practice_id, user=request.user
    )
    queryset = form.filter(Client.objects.all())
    return form, queryset


@staff_required
def client_list(request: HttpRequest) -> HttpResponse:
    form, queryset = filtered_clients(request)
    queryset = queryset.select_related("preparer", "reviewer").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "nav": "clients",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "",
    }
    # A live search swaps the results (and, out of band, the count and the export link); a
    # history restore or a boosted link needs the whole page.
    if is_fragment_request(request):
        context["oob"] = True
        return render(request, "clients/client_list.html#results", context)
    return render(request, "clients/client_list.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, practice_id=request.user.practice_id)
    if request.method == "POST" and form.is_valid():
        client = services.save_client(form)
        messages.success(request, f"{client.name} added. Now add its contacts and bank accounts.")
        return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "nav": "clients"})


def client_tab_context(client: Client) -> dict:
    counts = Client.objects.filter(pk=client.pk).aggregate(
        contacts=Count("client_contacts", distinct=True),
        bank_accounts=Count("bank_accounts", distinct=True),
    )
    return {"client": client, "counts": counts, "nav": "clients"}


@staff_required
def client_detail(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    context = client_tab_context(client)
    context.update(
        tab="overview",
        tags=list(client.tags.order_by("name")),
        parts=client_parts(request, client),
    )
    return render(request, "clients/client_detail.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    form = ClientForm(request.POST or None, instance=client, practice_id=request.user.practice_id)
    if request.method == "POST" and form.is_valid():
        services.save_client(form)
        messages.success(request, f"{client.name} saved.")
        return redirect(client)
    return render(
        request, "clients/client_form.html", {"form": form, "client": client, "nav": "clients"}
    )


@manager_required
@require_POST
def client_archive(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    services.archive_client(client)
    messages.success(request, f"{client.name} archived. It no longer appears in the active list.")
    return redirect(client)


@manager_required
@require_POST
def client_restore(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    services.restore_client(client)
    messages.success(request, f"{client.name} restored.")
    return redirect(client)


@staff_required
@require_http_methods(["GET", "POST"])
def client_contacts(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = services.add_contact(
            client,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            position=form.cleaned_data["position"],
        )
        messages.success(request, f"{contact.name} is now a contact of {client.name}.")
        return redirect("client_contacts", client.code)
    links = annotate_contacts(
        ClientContact.objects.filter(client=client)
        .select_related("contact")
        .annotate(client_count=Count("contact__client_links")),
        client,
    )
    context = client_tab_context(client)
    context.update(tab="contacts", links=links, form=form, columns=contact_columns())
    return render(request, "clients/client_contacts.html", context)


@staff_required
@require_POST
def client_contact_remove(request: HttpRequest, code) -> HttpResponse:
    link = access_client_contact(request, code)
    services.remove_contact(link)
    messages.success(request, f"{link.contact.name} is no longer a contact of {link.client.name}.")
    return redirect("client_contacts", link.client.code)


@staff_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, code) -> HttpResponse:
    contact = access_contact(request, code)
    form = ContactForm(request.POST or None, instance=contact)
    del form.fields["position"]
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{contact.name} saved.")
        return redirect("contact_edit", contact.code)
    clients = Client.objects.filter(client_contacts__contact=contact).order_by("name")
    return render(
        request,
        "clients/contact_form.html",
        {"form": form, "contact": contact, "clients": clients, "nav": "clients"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def client_bank_accounts(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    form = BankAccountForm(request.POST or None, initial={"currency": client.currency})
    if request.method == "POST" and form.is_valid():
        account = services.save_bank_account(form, client)
        messages.success(request, f"{account.name} added to {client.name}.")
        return redirect("client_bank_accounts", client.code)
    context = client_tab_context(client)
    context.update(
        tab="bank_accounts", accounts=BankAccount.objects.filter(client=client), form=form
    )
    return render(request, "clients/client_bank_accounts.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def bank_account_edit(request: HttpRequest, code) -> HttpResponse:
    account = access_bank_account(request, code)
    form = BankAccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{account.name} saved.")
        return redirect("client_bank_accounts", account.client.code)
    return render(
        request,
        "clients/bank_account_form.html",
        {"form": form, "account": account, "client": account.client, "nav": "clients"},
    )
