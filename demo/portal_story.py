"""The demo practice's client portal: a contact who signs in, requests in every state, the
documents clients uploaded, a reminder history and deliveries.

Sarah Whitfield is the director of three companies, and each has a story over the two newest
periods, played in order of time through the services a practice uses
(``demo.timeline``):

- the first sent everything last month (delivered, acknowledged) and this month only the bank
  statements so far: the pack waits in collect for the rest;
- the second has sent nothing for two months: reminders went out, the request was escalated to
  the preparer, and both packs are stuck in collect;
- the third sends everything on time: last month's delivery waits for her acknowledgement, and
  this month's pack moves through its stages as the date allows.

Every request is made when its pack is (by the recurrence), sent later that day, reminded by
the reminder job on each day it would have run, and never left open once its period is
delivered. Two other clients have this month's request still in draft (they are not on the
portal yet) and one had it cancelled (its documents come by email); their packs wait
untouched. No email leaves: the seed marks every recorded email sent as it goes, before
anything could claim it.
"""

import datetime
import random
from functools import partial
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Max

from atlasos import clock
from clients.choices import EntityType
from clients.models import Client, ClientContact, Contact
from cycle.periods import add_months
from cycle.stages import Stage
from cycle.workdays import WorkCalendar
from demo.files import text_pdf
from demo.plan import ON_TIME, UNTOUCHED, plan_pack, work_moment
from demo.reporting_story import render_approved
from demo.timeline import Timeline, clicks, tick_stage
from documents.models import DocType, Source
from documents.store import store_document
from portal import delivery, portal_accounts, reminders, requests, sending
from portal.models import Delivery, PortalEmail, RequestItem
from reporting.models import TrialBalance
from tasks.models import Pack

CONTACT_NAME = "Sarah Whitfield"
DEMO_CLIENTS = 3  # the contact is a director of three companies: the switcher has work to do
DRAFTS = 2  # clients whose newest request is a draft
OTHER_REQUESTS = DRAFTS + 1  # and one whose newest request was cancelled
NOT_THIS_MONTH = "Nothing of this kind this month."
REMINDER_RUN = datetime.time(8, 0)
SENT_STATES = (PortalEmail.State.PENDING, PortalEmail.State.SENDING)


def portal_clients(clients: list[Client]) -> tuple[list[Client], list[Client]]:
    """The contact's companies, and the other clients with a request this month."""
    companies = [c for c in clients if c.entity_type == EntityType.LIMITED_COMPANY]
    demo = companies[:DEMO_CLIENTS]
    others = [c for c in clients if c not in demo][:OTHER_REQUESTS]
    return demo, others


def untouched_packs(demo: list[Client], others: list[Client]) -> dict:
    """The packs whose story is played here start as the recurrence made them (the cycle's
    ``forced`` profiles, by client and age: 0 the newest period, 1 the one before)."""
    forced = {(client.pk, age): UNTOUCHED for client in demo for age in (0, 1)}
    forced.update({(client.pk, 0): UNTOUCHED for client in others})
    return forced


def seed_portal(practice, partner, cycle, now, *, email, password, demo, others) -> None:
    """Give the demo practice its portal: see the module docstring."""
    if not email or not demo:
        return
    _seed_portal(practice, partner, cycle, now, email, password, demo, others)


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
    digits = item.bank_account.account_number[-4:] if item.bank_account else f"{item.pk}"
    return _pdf_upload(f"bank-statement-{digits}-{period:%Y-%m}.pdf", item.title, lines)


def _listing(client: Client, item: RequestItem, prefix: str) -> SimpleUploadedFile:
    """Invoices, receipts or a payroll summary: a page listing the month's documents."""
    period = item.request.period
    lines = [f"{client.name}", f"{item.title}, {period:%B %Y}", ""]
    lines += [f"{prefix}-{period:%y%m}-{n:03d}   {120 * n + 37:>9,.2f}" for n in range(1, 9)]
    return _pdf_upload(f"{item.doc_type}-{period:%Y-%m}.pdf", item.title, lines)


def _document_for(client: Client, item: RequestItem, rng: random.Random):
    """The file the client sends for ``item``, or None when it does not apply this month."""
    if item.doc_type == DocType.BANK_STATEMENT:
        return _statement(client, item, rng)
    prefixes = {
        DocType.SALES_INVOICE: "INV",
        DocType.PURCHASE_INVOICE: "BILL",
        DocType.RECEIPT: "RCPT",
        DocType.PAYROLL_REPORT: "PAY",
    }
    if item.doc_type in prefixes and (item.required or item.doc_type != DocType.PAYROLL_REPORT):
        return _listing(client, item, prefixes[item.doc_type])
    return None


def _demo_contact(clients: list[Client], email: str) -> Contact:
    contact = Contact.objects.create(name=CONTACT_NAME, email=email, phone="07700 900123")
    ClientContact.objects.bulk_create(
        [ClientContact(client=client, contact=contact, position="Director") for client in clients]
    )
    return contact


class _Story:
    """Schedules what the contact, the team and the jobs did, on one timeline."""

    def __init__(self, practice, now, contact):
        self.now, self.contact = now, contact
        self.rng = random.Random(f"{practice.name} portal")
        self.tz = ZoneInfo(practice.timezone)
        self.calendar = WorkCalendar(practice.country)
        self.timeline = Timeline(now)
        self.first_sent: datetime.datetime | None = None

    def day_of(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.tz).date()

    def send(self, pack: Pack, document_request) -> datetime.datetime | None:
        """The preparer sends the request on the day the pack appears."""
        created = pack.created_at
        sent = work_moment(self.rng, self.day_of(created), created, self.now, self.tz)
        if not self.timeline.add(sent, _send, document_request, pack.preparer):
            return None
        self.first_sent = min(filter(None, (self.first_sent, sent)))
        return sent

    def halfway(self, pack: Pack, document_request) -> None:
        sent = self.send(pack, document_request)
        if sent is None:
            return
        day = min(self.day_of(self.now), self.calendar.add_working_days(self.day_of(sent), 1))
        moment = work_moment(self.rng, day, sent, self.now, self.tz)
        self.timeline.add(moment, self._upload, pack, document_request, DocType.BANK_STATEMENT)

    def on_time(self, pack: Pack, document_request, *, acknowledged: bool) -> None:
        """Every document in before collect is due, then each stage on time, as far as now
        allows: reviewed, delivered and (``acknowledged``) acknowledged the next working day."""
        sent = self.send(pack, document_request)
        if sent is None:
            return
        plan = plan_pack(self.rng, ON_TIME, pack.due_dates, sent, self.now, self.calendar, self.tz)
        if Stage.COLLECT not in plan.done:
            return
        self.timeline.add(plan.done[Stage.COLLECT], self._upload, pack, document_request, None)
        for stage in (Stage.CAPTURE, Stage.RECONCILE, Stage.PREPARE, Stage.REVIEW):
            if stage in plan.done:
                user = pack.reviewer if stage == Stage.REVIEW else pack.preparer
                self.timeline.add(plan.done[stage], tick_stage, pack, stage, user, self.rng)
        published = plan.done.get(Stage.DELIVER)
        if published is None:
            return
        self.timeline.add(published, self._deliver, pack)
        if acknowledged:
            day = self.calendar.add_working_days(self.day_of(published), 1)
            moment = work_moment(self.rng, day, published, self.now, self.tz)
            self.timeline.add(moment, _acknowledge, pack, self.contact)

    def cancel(self, pack: Pack, document_request) -> None:
        day = self.calendar.add_working_days(self.day_of(pack.created_at), 1)
        moment = work_moment(self.rng, day, pack.created_at, self.now, self.tz)
        self.timeline.add(moment, requests.cancel_request, document_request)

    def reminders(self) -> None:
        """The reminder job on every day since the first request went out, today included."""
        if self.first_sent is None:
            return
        day = self.day_of(self.first_sent)
        while day <= self.day_of(self.now):
            moment = datetime.datetime.combine(day, REMINDER_RUN, self.tz)
            moment = min(moment, self.now - datetime.timedelta(minutes=1))
            if moment > self.first_sent:
                self.timeline.add(moment, reminders.record_reminders, moment)
            day += datetime.timedelta(days=1)

    def _upload(self, pack: Pack, document_request, only: str | None) -> None:
        """The contact uploads the documents (``only`` one type, or all of them: what does not
        apply this month is marked not applicable). The collect items that follow the request
        tick themselves as their documents come in."""
        items = RequestItem.objects.filter(request=document_request).select_related(
            "request", "bank_account"
        )
        chosen = [item for item in items.order_by("position") if not only or item.doc_type == only]
        for item, moment in clicks(chosen):
            with clock.fixed_at(moment):
                upload = _document_for(pack.client, item, self.rng)
                if upload is None:
                    requests.mark_not_applicable(item, NOT_THIS_MONTH, contact=self.contact)
                else:
                    requests.upload_to_item(item, upload, contact=self.contact)

    def _deliver(self, pack: Pack) -> None:
        """The reviewer publishes the management accounts to the portal: for the month before
        the client's newest trial balance, the pack rendered from its books (the one the
        client is reading now); for earlier months and clients without books, a one-page
        summary (rendering every past month would make seeding slow for nothing)."""
        newest = TrialBalance.objects.filter(client=pack.client).aggregate(Max("period"))
        if newest["period__max"] and pack.period == add_months(newest["period__max"], -1):
            moment = clock.now() - datetime.timedelta(minutes=30)
            document = render_approved(
                pack.client, pack.period, pack.preparer, pack.reviewer, moment
            )
            delivery.publish(pack, [document], by=pack.reviewer, now=clock.now())
            return
        revenue = self.rng.randint(40_000, 90_000)
        costs = int(revenue * self.rng.uniform(0.6, 0.85))
        lines = [
            f"{pack.client.name}",
            f"Management accounts for {pack.period_label}",
            "",
            f"Turnover                         {revenue:>12,.2f}",
            f"Cost of sales and overheads     ({costs:>11,.2f})",
            f"Net profit                       {revenue - costs:>12,.2f}",
        ]
        upload = _pdf_upload(
            f"management-accounts-{pack.period:%Y-%m}.pdf", "Management accounts", lines
        )
        document, _ = store_document(
            pack.client,
            upload,
            doc_type=DocType.MANAGEMENT_ACCOUNTS,
            period=pack.period,
            source=Source.GENERATED,
            user=pack.reviewer,
        )
        delivery.publish(pack, [document], by=pack.reviewer, now=clock.now())


def _send(document_request, user) -> None:
    sending.send_request(document_request, by=user, now=clock.now())


def _acknowledge(pack: Pack, contact: Contact) -> None:
    delivery.acknowledge(Delivery.objects.get(pack=pack), contact, now=clock.now())


def _emails_sent() -> None:
    """What the services queued was sent at once (to nowhere): nothing is left to claim."""
    PortalEmail.objects.filter(state__in=SENT_STATES).update(
        state=PortalEmail.State.SENT, claimed_at=F("created_at"), sent_at=F("created_at")
    )


def _seed_portal(practice, partner, cycle, now, email, password, demo, others) -> None:
    contact = _demo_contact(demo, email)
    story = _Story(practice, now, contact)
    first = cycle.created[cycle.before or cycle.newest]
    invited = datetime.datetime.combine(
        story.day_of(first) - datetime.timedelta(days=3), datetime.time(10, 0), story.tz
    )
    with clock.fixed_at(invited):
        for client in demo:
            account = portal_accounts.invite_contact(contact, client, by=partner, now=invited)
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    account.activated_at = invited + datetime.timedelta(hours=2)
    account.last_sign_in_at = now
    account.save(update_fields=["activated_at", "last_sign_in_at"])

    made = {}
    for period in filter(None, (cycle.before, cycle.newest)):
        clients = demo + (others if period == cycle.newest else [])
        packs = [cycle.packs[(client.pk, period)] for client in clients]
        with clock.fixed_at(cycle.created[period]):
            made.update({r.pack_id: r for r in requests.create_for_packs(packs)})

    def request_of(client, period):
        pack = cycle.packs[(client.pk, period)]
        return pack, made[pack.pk]

    acknowledged = partial(story.on_time, acknowledged=True)
    waiting = partial(story.on_time, acknowledged=False)
    # Each company's story: the period before, then the newest period.
    stories = [(acknowledged, story.halfway), (story.send, story.send), (waiting, waiting)]
    for client, (before, newest) in zip(demo, stories, strict=False):
        if cycle.before:
            before(*request_of(client, cycle.before))
        newest(*request_of(client, cycle.newest))
    for client in others[DRAFTS:]:
        story.cancel(*request_of(client, cycle.newest))
    story.reminders()
    story.timeline.run(after=_emails_sent)
    _emails_sent()
