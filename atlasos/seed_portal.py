"""The demo practice's client portal: a contact who signs in, requests in every state, the
documents clients uploaded, a reminder history and a delivered pack.

Everything goes through the services a real practice uses (invitation, sending, uploads,
the reminder job run on the past days it would have run, delivery), so the demo shows what the
product does. No email leaves: the seed marks the recorded emails sent before it commits."""

import datetime
import random
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from atlasos.seed_files import text_pdf
from clients.choices import EntityType
from clients.models import Client, ClientContact, Contact
from portal import delivery, portal_accounts, reminders, requests, sending
from portal.documents import store_document
from portal.models import DocType, PortalEmail, RequestItem, Source
from tasks.models import Pack

CONTACT_NAME = "Sarah Whitfield"
DEMO_CLIENTS = 3  # the contact is a director of three companies: the switcher has work to do
OTHER_REQUESTS = 8


def _pdf_upload(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text_pdf(title, lines), content_type="application/pdf")


def _statement(client: Client, item: RequestItem, rng: random.Random) -> SimpleUploadedFile:
    period = item.request.period
    balance = rng.randint(2_000, 60_000)
    lines = [f"{client.name}", f"Statement period: {period:%B %Y}", ""]
    lines.append(f"01 {period:%b}  Opening balance                      {balance:>10,.2f}")
    for day in range(3, 28, 4):
        amount = rng.randint(-4_000, 6_000) + rng.randint(0, 99) / 100
        balance += amount
        lines.append(
            f"{day:02d} {period:%b}  {'Receipt' if amount > 0 else 'Payment':<36}{amount:>10,.2f}"
        )
    lines.append(f"   Closing balance                          {balance:>10,.2f}")
    slug = "-".join(re.findall(r"[a-z0-9]+", item.title.lower()))[:40]
    return _pdf_upload(f"{slug}-{period:%Y-%m}.pdf", item.title, lines)


def _invoices(client: Client, item: RequestItem) -> SimpleUploadedFile:
    period = item.request.period
    lines = [f"{client.name}", f"{item.title}, {period:%B %Y}", ""]
    lines += [f"INV-{period:%y%m}-{n:03d}   {120 * n + 37:>9,.2f}" for n in range(1, 9)]
    return _pdf_upload(f"{item.doc_type}-{period:%Y-%m}.pdf", item.title, lines)


def _demo_contact(clients: list[Client], email: str) -> Contact:
    contact = Contact.objects.create(name=CONTACT_NAME, email=email, phone="07700 900123")
    ClientContact.objects.bulk_create(
        [ClientContact(client=client, contact=contact, position="Director") for client in clients]
    )
    return contact


def _at(day: datetime.date, hour: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)


def seed_portal(practice, team: list, clients: list[Client], now, *, email: str, password: str):
    """Give the demo practice its portal: see the module docstring."""
    if not email:
        return
    # The demo's addresses are made up: whatever the services send goes nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed_portal(practice, team, clients, now, email=email, password=password)


def _seed_portal(practice, team, clients, now, *, email: str, password: str) -> None:
    rng = random.Random(f"{practice.name} portal")
    partner = team[0]
    tz = timezone.get_current_timezone()
    companies = [c for c in clients if c.entity_type == EntityType.LIMITED_COMPANY]
    demo = companies[:DEMO_CLIENTS]
    if not demo:
        return
    contact = _demo_contact(demo, email)
    for client in demo:
        account = portal_accounts.invite_contact(contact, client, by=partner, now=now)
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    account.activated_at = account.last_sign_in_at = now
    account.save(update_fields=["activated_at", "last_sign_in_at"])

    current = Pack.objects.order_by("-period").values_list("period", flat=True).first()
    others = [c for c in clients if c not in demo][:OTHER_REQUESTS]
    packs = list(Pack.objects.filter(period=current, client__in=demo + others).order_by("pk"))
    made = {r.client_id: r for r in requests.create_for_packs(packs)}

    today = timezone.localdate(now)
    sent_days = []
    for number, client in enumerate(demo):
        document_request = made.get(client.pk)
        if document_request is None:
            continue
        sent_on = min(document_request.due - datetime.timedelta(days=7), today)
        sending.send_request(document_request, by=partner, now=_at(sent_on, 9, tz))
        sent_days.append(sent_on)
        items = list(document_request.items.order_by("position"))
        if number == 0:
            # Halfway: the bank statements are in, the rest is still awaited.
            for item in items:
                if item.doc_type == DocType.BANK_STATEMENT:
                    requests.upload_to_item(item, _statement(client, item, rng), contact=contact)
        elif number == 2:
            # Complete: everything uploaded or not applicable this month.
            for item in items:
                if item.doc_type == DocType.BANK_STATEMENT:
                    upload = _statement(client, item, rng)
                elif item.doc_type in (DocType.SALES_INVOICE, DocType.PURCHASE_INVOICE):
                    upload = _invoices(client, item)
                else:
                    requests.mark_not_applicable(
                        item, "Nothing of this kind this month.", contact=contact
                    )
                    continue
                requests.upload_to_item(item, upload, contact=contact)
    # The other clients' requests: a few sent by hand to nobody yet (drafts), one cancelled.
    for number, client in enumerate(others):
        document_request = made.get(client.pk)
        if document_request is not None and number == 0:
            requests.cancel_request(document_request)

    # The reminder job, on every past day it would have run since the first request went out.
    if sent_days:
        day = min(sent_days)
        while day < today:
            reminders.run_reminders(now=_at(day, 10, tz))
            day += datetime.timedelta(days=1)

    _seed_delivery(demo[0], partner, contact, rng, now)
    # Nothing is emailed from the demo: mark the recorded emails sent before the seed commits.
    PortalEmail.objects.exclude(state=PortalEmail.State.SENT).update(
        state=PortalEmail.State.SENT, sent_at=now
    )


def _seed_delivery(client: Client, partner, contact: Contact, rng, now) -> None:
    """Last month's management accounts, delivered and acknowledged."""
    pack = (
        Pack.objects.filter(client=client, completed_at__isnull=False).order_by("-period").first()
    )
    if pack is None:
        return
    period = pack.period
    revenue = rng.randint(40_000, 90_000)
    costs = int(revenue * rng.uniform(0.6, 0.85))
    lines = [
        f"{client.name}",
        f"Management accounts for {period:%B %Y}",
        "",
        f"Turnover                         {revenue:>12,.2f}",
        f"Cost of sales and overheads     ({costs:>11,.2f})",
        f"Net profit                       {revenue - costs:>12,.2f}",
    ]
    upload = _pdf_upload(f"management-accounts-{period:%Y-%m}.pdf", "Management accounts", lines)
    document, _ = store_document(
        client,
        upload,
        doc_type=DocType.MANAGEMENT_ACCOUNTS,
        period=period,
        source=Source.GENERATED,
        user=partner,
    )
    published = delivery.publish(pack, [document], by=partner, now=now)
    delivery.acknowledge(published, contact, now=now)
