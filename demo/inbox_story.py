"""The demo practice's Smart Inbox: mail that came in during the last hours, taken in through
the real pipeline (``inbox.intake.accept``, then the ``inbox.process_message`` task: parsing,
routing, filing), each message at its moment: in the last hours, after anything the seed
recorded for the clients it concerns.

- **By the client's own address** (certain): a director sends her company's purchase invoices
  for the newest period to the company's address; they satisfy the "Purchase invoices" item of
  its open request. The client whose request was cancelled (its documents come by email)
  sends its receipts to its address: filed, and **delivered twice** (the provider's webhook,
  then the practice's mailbox), which is one message.
- **By an authenticated contact** (high): a client's only contact sends the sales invoices to
  the practice's address; the receiving server says DMARC passed for the sender's domain.
- **By an identifier** (high): a bookkeeper the practice does not know sends a bank statement
  whose sort code and account number are a client's bank account.
- **Waiting in triage**: a stranger's receipts, a director of several companies writing without
  naming one, a contact whose mail is not authenticated (a suggestion only), and mail to a
  client address that does not exist.
- **Ignored**: a bounce (a delivery status report) and an out-of-office reply.

The attachments are small real PDFs whose text carries the statement period or the invoice
dates of the period the seeded requests ask for, so the routed ones satisfy request items as a
portal upload would. Nothing is sent: the inbox never answers mail, and the preparer is told
in the app only.

Intake enqueues processing once its row commits, and the seed commits only at its very end;
so each message's task is run here, at the message's moment, as the eager Celery of
``make run`` would run it. The task enqueued on commit then finds the message processed and
does nothing.
"""

import datetime
import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from django.db.models import Max

from atlasos import clock
from clients.models import BankAccount, Client, ClientContact
from demo.files import text_pdf
from documents.models import Document
from inbox import addresses, intake
from inbox.models import Channel, InboundMessage
from inbox.worker import process_message
from portal.models import DocumentRequest, PortalEmail, Reminder, RequestItem
from tasks.models import PackEvent, PackItem

# The story happens in this window before now, after the last thing the rest of the seed did.
WINDOW = datetime.timedelta(hours=5)
GAP = datetime.timedelta(minutes=1)
STRANGER = ("Mark Tennant", "m.tennant@mail.example.net")
BOOKKEEPER = ("Ledgerline Bookkeeping", "statements@ledgerline.example.org")
SCANNER = ("Scan Desk", "scans@copyshop.example.net")
MAILER_DAEMON = ("Mail Delivery System", "MAILER-DAEMON@mx1.mail.example.net")


# --- raw messages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    content_type: str = "application/pdf"


def authentication_results(sender: str) -> str:
    """What the practice's receiving server writes on top of mail whose sender's domain
    passed DMARC (with SPF and DKIM aligned)."""
    domain = sender.rsplit("@", 1)[-1]
    return (
        f"mx.{addresses.domain()}; dmarc=pass (p=none) header.from={domain}; "
        f"spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}"
    )


def message_id(rng: random.Random, sender: str) -> str:
    return f"<{rng.getrandbits(64):016x}.{rng.getrandbits(32):08x}@{sender.rsplit('@', 1)[-1]}>"


def eml(
    *,
    sender: tuple[str, str],
    to: str,
    subject: str,
    body: str,
    sent: datetime.datetime,
    msgid: str,
    attachments: tuple[Attachment, ...] = (),
    authenticated: bool = False,
    headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """An email as the practice's server receives it: ``Authentication-Results`` on top when
    ``authenticated``, a text body and the attachments."""
    message = EmailMessage()
    if authenticated:
        message["Authentication-Results"] = authentication_results(sender[1])
    message["From"] = email.utils.formataddr(sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(sent)
    message["Message-ID"] = msgid
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    for attachment in attachments:
        kind, _, sub = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, kind, sub, filename=attachment.name)
    return message.as_bytes()


def bounce(*, to: str, failed: str, subject: str, sent: datetime.datetime, msgid: str) -> bytes:
    """A delivery status notification (RFC 3464): the request email to ``failed`` came back."""
    mta = MAILER_DAEMON[1].rsplit("@", 1)[1]
    boundary = f"dsn-{msgid.strip('<>').split('@')[0]}"
    date = email.utils.format_datetime(sent)
    lines = [
        f"From: {email.utils.formataddr(MAILER_DAEMON)}",
        f"To: {to}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {date}",
        f"Message-ID: {msgid}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        f"This is the mail system at host {mta}.",
        "",
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients.",
        "",
        f"<{failed}>: host mail.{failed.rsplit('@', 1)[1]} said: 550 5.1.1",
        "    User unknown (in reply to RCPT TO command)",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        f"Reporting-MTA: dns; {mta}",
        f"Arrival-Date: {date}",
        "",
        f"Final-Recipient: rfc822; {failed}",
        f"Original-Recipient: rfc822; {failed}",
        "Action: failed",
        "Status: 5.1.1",
        f"Remote-MTA: dns; mail.{failed.rsplit('@', 1)[1]}",
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        f"From: {to}",
        f"To: {failed}",
        f"Subject: {subject}",
        f"Date: {date}",
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


# --- documents ----------------------------------------------------------------------------


def _month_end(period: datetime.date) -> datetime.date:
    following = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def statement_pdf(account, period: datetime.date, rng: random.Random, holder: str = "") -> bytes:
    """A month's statement of ``account`` (a ``BankAccount``, or anything with its bank name,
    name, sort code and account number), naming it by sort code and account number."""
    sort = account.sort_code
    lines = [holder] if holder else []
    lines += [
        f"{account.bank_name}  {account.name}",
        f"Sort code {sort[:2]}-{sort[2:4]}-{sort[4:]}   Account number {account.account_number}",
        f"Statement period: {period:%-d %B %Y} to {_month_end(period):%-d %B %Y}",
        "",
    ]
    balance = rng.randint(2_000, 40_000)
    lines.append(f"01 {period:%b}  Opening balance                     {balance:>10,.2f}")
    for day in range(2, 28, 3):
        amount = rng.randint(-3_000, 5_000) + rng.randint(0, 99) / 100
        balance += amount
        kind = "Card payment" if amount < 0 else "Faster payment received"
        lines.append(f"{day:02d} {period:%b}  {kind:<35}{amount:>10,.2f}")
    closing = f"{_month_end(period):%d %b}"
    lines.append(f"{closing}  Closing balance                     {balance:>10,.2f}")
    return text_pdf("Bank statement", lines)


def invoices_pdf(
    title: str, who: str, prefix: str, period: datetime.date, rng: random.Random
) -> bytes:
    """A month's invoices (or receipts), one dated line each, all within ``period``."""
    lines = [who, f"{title}, {period:%B %Y}", ""]
    for number in range(1, 7):
        day = period.replace(day=min(number * 4, 28))
        amount = rng.randint(40, 2_400) + rng.randint(0, 99) / 100
        lines.append(f"Invoice date: {day:%-d %B %Y}   {prefix}-{number:04d}   {amount:>9,.2f}")
    return text_pdf(title, lines)


def receipts_pdf(period: datetime.date, rng: random.Random) -> bytes:
    lines = ["Till receipts", f"Receipts for {period:%B %Y}", ""]
    for number in range(1, 6):
        day = period.replace(day=min(number * 5, 28))
        amount = rng.randint(3, 90) + rng.randint(0, 99) / 100
        lines.append(f"Receipt date: {day:%-d %B %Y}   Stationery and postage   {amount:>7,.2f}")
    return text_pdf("Receipts", lines)


# --- the story ----------------------------------------------------------------------------


@dataclass
class Mail:
    """One message of the story: how to write it (given when it was written), where it goes,
    and each copy the practice receives (channel, provider): the same bytes every time."""

    label: str
    to: str
    write: Callable[[datetime.datetime], bytes]
    copies: tuple[tuple[str, str], ...] = ((Channel.WEBHOOK, "postmark"),)


@dataclass
class InboxStory:
    """Each delivery the story made: its label ("address", "duplicate", "bounce" …), what
    intake said ("stored", "duplicate") and the message row as processing left it."""

    deliveries: list[tuple[str, str, InboundMessage | None]] = field(default_factory=list)


def _last_recorded_moment(client_ids) -> datetime.datetime | None:
    """The latest moment anything was recorded for these clients' packs, requests and
    documents: their mail comes after it (a tick of the mail's doing is then the pack's
    newest, and a reminder already sent listed what was still missing at the time)."""
    found = [
        PackItem.objects.filter(pack__client__in=client_ids).aggregate(m=Max("done_at")),
        PackEvent.objects.filter(pack__client__in=client_ids).aggregate(m=Max("created_at")),
        DocumentRequest.objects.filter(client__in=client_ids).aggregate(m=Max("sent_at")),
        DocumentRequest.objects.filter(client__in=client_ids).aggregate(m=Max("completed_at")),
        DocumentRequest.objects.filter(client__in=client_ids).aggregate(m=Max("escalated_at")),
        RequestItem.objects.filter(request__client__in=client_ids).aggregate(m=Max("received_at")),
        RequestItem.objects.filter(request__client__in=client_ids).aggregate(m=Max("marked_at")),
        Reminder.objects.filter(request__client__in=client_ids).aggregate(m=Max("created_at")),
        PortalEmail.objects.filter(request__client__in=client_ids).aggregate(m=Max("created_at")),
        Document.objects.filter(client__in=client_ids).aggregate(m=Max("created_at")),
    ]
    return max(filter(None, (row["m"] for row in found)), default=None)


def moments(now: datetime.datetime, count: int, client_ids) -> list[datetime.datetime]:
    """``count`` moments, in order, over the last hours before ``now`` and after anything
    recorded for the clients the mail is about (squeezed into the last minute when that was
    a minute ago)."""
    start = now - WINDOW
    last = _last_recorded_moment(client_ids)
    if last is not None and last >= start:
        start = last + GAP if last + 2 * GAP < now else last
    step = (now - start) / (count + 1)
    return [start + step * (n + 1) for n in range(count)]


def _contacts(clients: list[Client]) -> tuple[dict, dict]:
    """Each client's contacts as (name, email), and how many clients each email is a contact
    of."""
    mine: dict[int, list[tuple[str, str]]] = {client.pk: [] for client in clients}
    count: dict[str, int] = {}
    for link in ClientContact.objects.select_related("contact").order_by("pk"):
        address = (link.contact.email or "").strip().lower()
        if address:
            mine.setdefault(link.client_id, []).append((link.contact.name, address))
            count[address] = count.get(address, 0) + 1
    return mine, count


def _uk_account(client: Client) -> BankAccount | None:
    return (
        BankAccount.objects.filter(client=client, is_active=True)
        .exclude(sort_code="")
        .exclude(account_number="")
        .order_by("name", "pk")
        .first()
    )


class _Cast:
    """Chooses the clients the story's mail is about, each at most once."""

    def __init__(self, clients: list[Client]):
        self.clients = clients
        self.contacts, self.shared = _contacts(clients)
        self.used: set[int] = set()

    def pick(self, preferred, fits=lambda client: True) -> Client | None:
        for client in [*preferred, *self.clients]:
            if client.pk not in self.used and fits(client):
                self.used.add(client.pk)
                return client
        return None

    def only_contact(self, client: Client) -> tuple[str, str] | None:
        """A contact of ``client`` who is the contact of no other client."""
        return next(
            (c for c in self.contacts.get(client.pk, []) if self.shared.get(c[1]) == 1), None
        )

    def contact(self, client: Client, default: tuple[str, str]) -> tuple[str, str]:
        return (self.contacts.get(client.pk) or [default])[-1]

    def director_of_several(self) -> tuple[str, str] | None:
        """The contact of the most clients, when that is more than one."""
        names = {address: name for links in self.contacts.values() for name, address in links}
        ranked = sorted(names, key=lambda address: (-self.shared[address], address))
        if ranked and self.shared[ranked[0]] > 1:
            return names[ranked[0]], ranked[0]
        return None


def story_mail(practice, cast: _Cast, period: datetime.date, demo, others, rng) -> list[Mail]:
    """The story's messages, in the order they arrive (see the module docstring)."""
    home = addresses.practice_address(practice)
    mail: list[Mail] = []

    def write(sender, to, subject, body, attachments=(), **options):
        msgid = message_id(rng, sender[1])
        return lambda sent: eml(
            sender=sender,
            to=to,
            subject=subject,
            body=body,
            sent=sent,
            msgid=msgid,
            attachments=attachments,
            **options,
        )

    # By the client's own address: the director's purchase invoices for her company.
    first = cast.pick(demo[:1])  # the portal contact's first company
    director = cast.contact(first, ("Accounts", f"accounts@{first.short_code.lower()}.example.com"))
    to = addresses.client_address(first)
    pdf = invoices_pdf("Purchase invoices", first.name, "BILL", period, rng)
    body = f"Hello,\n\nHere are {first.name}'s purchase invoices for {period:%B %Y}.\n\n"
    body += f"Kind regards,\n{director[0]}\n"
    files = (Attachment(f"purchase-invoices-{period:%Y-%m}.pdf", pdf),)
    subject = f"Purchase invoices for {period:%B}"
    mail.append(Mail("address", to, write(director, to, subject, body, files)))

    # By an authenticated contact: the sales invoices, to the practice's own address.
    seller = cast.pick(others[:2], cast.only_contact)
    if seller is not None:
        sender = cast.only_contact(seller)
        pdf = invoices_pdf("Sales invoices", seller.name, "INV", period, rng)
        body = f"Hi,\n\nPlease find attached our sales invoices for {period:%B %Y}.\n\n"
        body += f"Thanks,\n{sender[0]}\n"
        files = (Attachment(f"sales-invoices-{period:%Y-%m}.pdf", pdf),)
        subject = f"{period:%B} sales invoices"
        mail.append(
            Mail("sender", home, write(sender, home, subject, body, files, authenticated=True))
        )

    # By an identifier: a bank statement naming a client's account, from a stranger.
    banked = cast.pick(others[:2], lambda client: _uk_account(client) is not None)
    if banked is not None:
        account = _uk_account(banked)
        # No holder's name: a name is only a suggestion, and another client's name that looks
        # like it would make the statement ambiguous; the account number is what counts.
        pdf = statement_pdf(account, period, rng)
        body = "Good afternoon,\n\nWe keep the books for one of your clients: their bank "
        body += "statement for last month is attached.\n\nLedgerline Bookkeeping\n"
        files = (Attachment(f"statement-{account.account_number[-4:]}-{period:%Y-%m}.pdf", pdf),)
        subject = f"Bank statement {period:%B %Y}"
        mail.append(Mail("identifier", home, write(BOOKKEEPER, home, subject, body, files)))

    # By address, delivered twice: the provider's webhook, then the practice's mailbox.
    emailer = cast.pick(others[2:3])
    if emailer is not None:
        sender = cast.contact(emailer, director)
        to = addresses.client_address(emailer)
        body = f"Receipts for {period:%B} attached, by email as usual.\n\n{sender[0]}\n"
        files = (Attachment(f"receipts-{period:%Y-%m}.pdf", receipts_pdf(period, rng)),)
        copies = ((Channel.WEBHOOK, "postmark"), (Channel.IMAP, ""))
        subject = f"Receipts {period:%b %Y}"
        mail.append(Mail("duplicate", to, write(sender, to, subject, body, files), copies))

    # Triage: a stranger's receipts, with nothing in them that names a client.
    body = "Hi, receipts from last month attached. Mark\n"
    files = (Attachment("IMG_receipts.pdf", receipts_pdf(period, rng)),)
    mail.append(Mail("triage: stranger", home, write(STRANGER, home, "receipts", body, files)))

    # Triage: a director of several companies who does not say which one.
    several = cast.director_of_several()
    if several is not None:
        body = "Hello, the receipts I mentioned on the phone.\n\nBest wishes\n"
        files = (Attachment(f"receipts-{period:%B}.pdf", receipts_pdf(period, rng)),)
        letter = write(several, home, "Receipts", body, files, authenticated=True)
        mail.append(Mail("triage: director", home, letter))

    # Triage: a contact of one client whose mail is not authenticated: a suggestion only.
    quiet = cast.pick([], cast.only_contact)
    if quiet is not None:
        sender = cast.only_contact(quiet)
        pdf = invoices_pdf("Purchase invoices", "Suppliers", "PI", period, rng)
        files = (Attachment(f"bills-{period:%Y-%m}.pdf", pdf),)
        letter = write(sender, home, "Invoices", "Please see attached.\n", files)
        mail.append(Mail("triage: unauthenticated", home, letter))

    # Triage: a client address that does not exist (a mistyped token).
    local, domain = home.split("@")
    unknown = f"{local}+{'x' * addresses.TOKEN_LENGTH}@{domain}"
    files = (Attachment("scan0042.pdf", receipts_pdf(period, rng)),)
    letter = write(SCANNER, unknown, "Scanned documents", "Attached.\n", files)
    mail.append(Mail("triage: unknown address", unknown, letter))

    # Ignored: a request email bounced, and an out-of-office reply.
    msgid = message_id(rng, MAILER_DAEMON[1])
    failed = f"old.accounts@{first.short_code.lower()}.example.com"
    subject = f"Documents for {period:%B %Y}"
    mail.append(
        Mail(
            "bounce",
            home,
            lambda sent: bounce(to=home, failed=failed, subject=subject, sent=sent, msgid=msgid),
            ((Channel.SMTP, ""),),
        )
    )
    away = cast.contact(first, director)
    body = "Thank you for your email. I am out of the office until Monday and will reply "
    body += "on my return.\n"
    headers = (("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes"))
    subject = f"Automatic reply: Documents for {period:%B %Y}"
    mail.append(Mail("auto-reply", home, write(away, home, subject, body, headers=headers)))
    return mail


def seed_inbox(
    practice,
    now: datetime.datetime,
    *,
    clients: list[Client],
    period: datetime.date,
    demo: list[Client] = (),
    others: list[Client] = (),
) -> InboxStory:
    """Deliver the demo's mail and process each message at its moment (see the module
    docstring). ``period`` is the newest period the requests ask for; ``demo`` are the portal
    contact's companies and ``others`` the other clients with a request for it.

    It comes with the portal's story (``demo`` not empty), whose requests the mail satisfies:
    a practice seeded without it holds no documents, and can still be deleted whole."""
    story = InboxStory()
    if not clients or not demo:
        return story
    rng = random.Random(f"{practice.name} inbox")
    cast = _Cast(clients)
    mail = story_mail(practice, cast, period, list(demo), list(others), rng)
    arrivals = iter(moments(now, sum(len(m.copies) for m in mail), cast.used))
    for message in mail:
        received = [next(arrivals) for _ in message.copies]
        raw = message.write(received[0] - datetime.timedelta(minutes=rng.randint(1, 40)))
        for (channel, provider), moment in zip(message.copies, received, strict=True):
            for kind, row in _deliver(raw, message.to, channel, provider, moment):
                story.deliveries.append((message.label, kind, row))
    return story


def _deliver(raw: bytes, to: str, channel: str, provider: str, moment) -> list:
    """Intake at ``moment``, then the task that parses, routes and files a kept message."""
    with clock.fixed_at(moment):
        outcomes = intake.accept(raw, recipients=[to], channel=channel, provider=provider)
        for outcome in outcomes:
            if outcome.kind == "stored":
                process_message.apply(
                    args=(outcome.message.pk,),
                    kwargs={"practice_id": outcome.practice_id},
                    throw=True,
                )
    rows = InboundMessage.objects.in_bulk([o.message.pk for o in outcomes if o.stored])
    return [(o.kind, rows.get(o.message.pk) if o.stored else None) for o in outcomes]
