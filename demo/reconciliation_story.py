"""The demo practice's bank reconciliations for the newest period (the month that just ended),
played through the services a bookkeeper uses, each step at its moment:

- **Reconciled and signed off**: a client with one bank account. Its bank's MT940 statement and
  its Xero "Account Transactions" export are imported, the matcher pairs what it can, its
  suggestions are accepted, the card takings (gross in the books, net of fees at the bank) are
  matched by hand with the fees written off, the bank charge and the unpresented cheque are
  explained; the statement is rendered, filed in the client's documents and signed off, which
  ticks the pack's "All bank accounts reconciled". The three months before it were reconciled
  when they ended (their fees posted in the books by then), so "expected, not found" has a
  history: each month's cheque is presented and its bank charge posted in the next one.
- **Half way**: the portal contact's first company, whose bank statements came in this month.
  Both files are imported and matched; some suggestions are accepted and the rest wait, the
  bank charge is explained and a card payment nobody recognises is asked of the client, on
  her request for the month (she sees the question in the portal).
- **Not started**: a client whose camt.053 statement is in its documents for the period, not
  imported: the workspace offers it in one click.

The files come from ``demo.bank_files``, deterministic for the practice's name and the client.

It comes with the portal's story, as the inbox does: a practice seeded without it holds no
documents. ``finish`` renders the statement in a worker after commit, and the seed commits only
at its end: the worker's part is run here, as ``demo.inbox_story`` runs its tasks.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max

from atlasos import clock
from clients.choices import AccountingSystem
from clients.models import BankAccount, Client
from cycle.periods import Recurrence, period_end, previous_period
from cycle.workdays import WorkCalendar
from demo.bank_files import (
    PROCESSORS,
    Business,
    Month,
    bank_entries,
    camt053,
    ledger_entries,
    month_of,
    mt940,
    xero_csv,
)
from demo.inbox_story import _last_recorded_moment
from demo.plan import work_moment
from documents.models import DocType, Document
from documents.store import store_document
from inbox.models import InboundMessage
from portal.models import DocumentRequest
from reconciliation import finishing, imports, queries, workspace
from reconciliation.models import Line, Match, Reason, Reconciliation, Side
from reconciliation.rendering import render_and_file
from reconciliation.views.imports import refresh_balances
from tasks.models import Pack, PackItem
from templates_engine.models import AutoTick

HISTORY = 3  # months reconciled before the newest, for the signed-off client
CLICK = datetime.timedelta(seconds=20)
MAX_CLICKS = 400
QUESTION = "We cannot find this in the books: what was it for? Please upload the receipt."
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)


@dataclass
class ReconciliationStory:
    """What the story made, for the tests: the signed-off and the half-way reconciliations,
    and the statement waiting to be imported."""

    signed_off: Reconciliation | None = None
    history: list[Reconciliation] = field(default_factory=list)
    half_way: Reconciliation | None = None
    question: Line | None = None
    waiting: Document | None = None


class _Session:
    """A bookkeeper's clicks from ``start``, each a little later, never reaching ``before``."""

    def __init__(self, start: datetime.datetime, before: datetime.datetime):
        before = max(before, start + MINUTE)
        self.moment = start
        self.step = min(CLICK, (before - start) / MAX_CLICKS)

    def click(self):
        self.moment += self.step
        return clock.fixed_at(self.moment)


def _session(practice, after, before, share: float) -> _Session:
    """A session that starts in working hours, on the working day at ``share`` of the way
    from ``after`` to ``before`` (or the one before it), when there is room; else at that
    point of the time between them."""
    after = min(after, before - MINUTE)
    tz = ZoneInfo(practice.timezone)
    calendar = WorkCalendar(practice.country)
    target = after + (before - after) * share
    day = calendar.add_working_days(target.astimezone(tz).date(), 0)
    if day > target.astimezone(tz).date():
        day = calendar.add_working_days(day, -1)
    rng = random.Random(f"{practice.name} reconciliation {after.isoformat()}")
    start = None
    if day >= after.astimezone(tz).date():
        start = work_moment(rng, day, after, before - 10 * MINUTE, tz)
    return _Session(start or target, before)


def _last_moment(client: Client) -> datetime.datetime | None:
    """The latest moment anything was recorded for the client (its packs, requests,
    documents, mail): what the bookkeeper does comes after it."""
    mail = InboundMessage.objects.filter(client=client).aggregate(
        received=Max("received_at"), processed=Max("processed_at")
    )
    found = [_last_recorded_moment([client.pk]), mail["received"], mail["processed"]]
    return max(filter(None, found), default=None)


def _busy(clients: list[Client], demo, others) -> set[int]:
    """Clients the portal's and the inbox's stories are about."""
    busy = {client.pk for client in [*demo, *others]}
    busy |= set(Document.objects.values_list("client_id", flat=True))
    busy |= set(DocumentRequest.objects.values_list("client_id", flat=True))
    for client_id, candidates in InboundMessage.objects.values_list("client_id", "candidates"):
        busy.add(client_id)
        busy |= {c.get("client_id") for c in candidates or [] if isinstance(c, dict)}
    return busy


def _uk_accounts(clients: list[Client]) -> dict[int, list[BankAccount]]:
    """Each client's active bank accounts; only the sterling ones with a sort code and an
    account number are listed, and a client with another kind has None first."""
    found: dict[int, list] = {}
    rows = BankAccount.objects.filter(client__in=clients, is_active=True).order_by("name", "pk")
    for account in rows:
        uk = account.currency == "GBP" and account.sort_code and account.account_number
        found.setdefault(account.client_id, []).append(account if uk else None)
    return found


def _reconciled_items(packs) -> dict[int, datetime.datetime | None]:
    """Each pack's "All bank accounts reconciled" tick (None when not ticked)."""
    rows = PackItem.objects.filter(pack__in=packs, auto_key=AutoTick.BANK_RECONCILED)
    return dict(rows.values_list("pack_id", "done_at"))


STAGE_RANK = {"reconcile": 0, "capture": 1, "collect": 2}


def _choose(free: list[Client], accounts, cycle) -> tuple[Client | None, Client | None]:
    """The client reconciled and signed off (one bank account, its newest pack as near its
    reconcile stage as the day allows, the months before it reconciled already) and the one
    whose statement waits (its newest pack not past reconcile)."""
    periods = cycle.periods[-1 - HISTORY :]
    packs = {
        (p.client_id, p.period): p for p in Pack.objects.filter(client__in=free, period__in=periods)
    }
    ticked = _reconciled_items(list(packs.values()))

    def rank(client: Client) -> tuple:
        newest = packs.get((client.pk, cycle.newest))
        open_item = newest is not None and ticked.get(newest.pk) is None
        stage = STAGE_RANK.get(newest.current_stage, 3) if open_item else 4
        before = [packs.get((client.pk, period)) for period in periods[:-1]]
        behind = any(p is not None and ticked.get(p.pk) is None for p in before)
        xero = client.accounting_system == AccountingSystem.XERO
        return behind, stage, not xero

    usable = [c for c in free if accounts.get(c.pk) and accounts[c.pk][0] is not None]
    single = [c for c in usable if len(accounts[c.pk]) == 1]
    signed = min(single, key=rank, default=None)
    rest = [c for c in usable if c is not signed]
    waiting = min(rest, key=lambda c: rank(c)[1:], default=None)
    return signed, waiting


def seed_reconciliations(
    practice, now: datetime.datetime, *, clients: list[Client], cycle, demo=(), others=()
) -> ReconciliationStory:
    """Play the month's reconciliations (see the module docstring) for ``cycle.newest``.
    ``demo`` are the portal contact's companies and ``others`` the other clients with a
    request this month; without the portal, nothing happens."""
    story = ReconciliationStory()
    if not clients or not demo:
        return story
    busy = _busy(clients, demo, others)
    accounts = _uk_accounts(clients)
    signed, waiting = _choose([c for c in clients if c.pk not in busy], accounts, cycle)
    tz = ZoneInfo(practice.timezone)
    if signed is not None:
        _signed_off(story, practice, signed, accounts[signed.pk][0], cycle, now, tz)
    first = demo[0]
    if accounts.get(first.pk) and accounts[first.pk][0] is not None:
        _half_way(story, practice, first, accounts[first.pk][0], cycle.newest, now)
    if waiting is not None:
        _waiting(story, practice, waiting, accounts[waiting.pk][0], cycle.newest, now)
    return story


def _rng(practice, client: Client) -> random.Random:
    return random.Random(f"{practice.name} reconciliation {client.short_code}")


def _store(client: Client, name: str, data: bytes, doc_type: str, period, user) -> Document:
    document, _ = store_document(
        client, SimpleUploadedFile(name, data), doc_type=doc_type, period=period, user=user
    )
    return document


def _bank_name(account: BankAccount, period: datetime.date, extension: str) -> str:
    return f"Statement_{account.account_number[-4:]}_{period:%b_%Y}.{extension}"


def _import_month(session, client, account, period, opening, ledger_opening, month, user):
    """Open the month, import the bank's statement and the ledger's export, and run the
    matcher (the workspace runs it after each import: once both are in is what counts)."""
    with session.click():
        reconciliation = workspace.open_for(account, period)
    files = [
        (Side.BANK, _bank_name(account, period, "sta"), mt940(account, period, opening, month)),
        (
            Side.LEDGER,
            f"Account Transactions {period:%B %Y}.csv",
            xero_csv(client, account, period, ledger_opening, month),
        ),
    ]
    for side, name, data in files:
        with session.click():
            doc_type = DocType.BANK_STATEMENT if side == Side.BANK else DocType.OTHER
            document = _store(client, name, data, doc_type, period, user)
        with session.click():
            imports.import_document(account, period, side, document, user=user)
            refresh_balances(reconciliation)
    with session.click():
        workspace.run_matcher(reconciliation)
    return reconciliation


def _waiting_suggestions(reconciliation: Reconciliation) -> list[Match]:
    return list(
        Match.objects.filter(reconciliation=reconciliation, state=Match.State.SUGGESTED).order_by(
            "-score", "pk"
        )
    )


def _takings(suggestion: Match) -> bool:
    """Card takings, net of the processor's fee at the bank: the near amounts to accept."""
    texts = Line.objects.filter(pk__in=suggestion.bank_ids).values_list("description", flat=True)
    return any(bank in text.upper() for text in texts for bank, _ in PROCESSORS)


def _free(reconciliation: Reconciliation) -> dict[tuple, list[Line]]:
    """The unmatched lines in the reconciliation's scope, by side, date and amount."""
    found: dict[tuple, list[Line]] = {}
    for line in workspace.unmatched(reconciliation).order_by("date", "pk"):
        found.setdefault((line.side, line.date, line.amount), []).append(line)
    return found


def _take(free: dict, side: str, entries) -> list[Line] | None:
    lines = []
    for entry in entries:
        bucket = free.get((side, entry.date, entry.amount)) or []
        unused = [line for line in bucket if line not in lines]
        if not unused:
            return None
        lines.append(unused[0])
    return lines


def _settle(session, reconciliation, month: Month, user, *, write_off: bool) -> None:
    """What the matcher left: the takings matched by hand to their books' entries (the fees
    written off unless they are booked), the charge and the cheque explained, and anything
    else paired by amount."""
    for suggestion in _waiting_suggestions(reconciliation):
        with session.click(), contextlib.suppress(workspace.WorkspaceError):
            if suggestion.pass_name != "tolerance" or (write_off and _takings(suggestion)):
                workspace.accept(suggestion, user)
            else:  # the fee is in the books (matched by hand below), or not the same payment
                workspace.reject(suggestion, user)
    free = _free(reconciliation)
    for txn in month.txns:
        bank = _take(free, Side.BANK, txn.bank)
        ledger = _take(free, Side.LEDGER, txn.ledger)
        if bank is None or ledger is None:
            continue  # matched by the matcher
        lines = bank + ledger
        if txn.reason == "fee" and bank and ledger:
            with session.click():
                workspace.match_by_hand(
                    reconciliation, [line.pk for line in lines], user, write_off=write_off
                )
        elif txn.reason in Reason.values and len(lines) == 1:
            with session.click():
                workspace.explain(
                    lines[0],
                    reconciliation,
                    reason=txn.reason,
                    note=txn.note,
                    owner=user,
                    user=user,
                )
        for line in lines:
            free[(line.side, line.date, line.amount)].remove(line)
    _pair_the_rest(session, reconciliation, user)


def _pair_the_rest(session, reconciliation, user) -> None:
    """Lines the matcher left that agree in amount (a cheque presented late, last month's
    charge posted this month: explained then, cleared now) are matched by hand, nearest
    dates first."""
    left = list(workspace.unmatched(reconciliation).order_by("date", "pk"))
    ledger = [line for line in left if line.side == Side.LEDGER]
    for bank in [line for line in left if line.side == Side.BANK]:
        same = [line for line in ledger if line.amount == bank.amount]
        if same:
            paired = min(same, key=lambda line: abs((line.date - bank.date).days))
            ledger.remove(paired)
            with session.click():
                workspace.match_by_hand(reconciliation, [bank.pk, paired.pk], user)


def _finish(session, reconciliation: Reconciliation, user) -> Reconciliation:
    """Finish, have the statement rendered and filed (the worker's part, run here), sign off."""
    with session.click():
        finishing.finish(reconciliation, user)
        render_and_file(reconciliation.pk)
    with session.click():
        return finishing.sign_off(reconciliation, user)


def _history_session(practice, period, pack, ticked, tz, now) -> _Session:
    """When a month was reconciled that its pack says was: just before the pack's tick, else
    a few working days after the month ended."""
    tick = ticked.get(pack.pk) if pack else None
    if tick is not None:
        return _Session(max(pack.created_at, tick - HOUR), tick - 10 * MINUTE)
    day = WorkCalendar(practice.country).add_working_days(period_end(period, "monthly"), 3)
    start = datetime.datetime.combine(day, datetime.time(10, 0), tz)
    start = min(start, now - 3 * HOUR)
    return _Session(start, start + HOUR)


def _signed_off(story, practice, client, account, cycle, now, tz) -> None:
    """The three months before the newest, each when it was reconciled, then the newest: the
    files imported, matched, settled, the statement filed and signed off."""
    rng = _rng(practice, client)
    business = Business.draw(rng)
    calendar = WorkCalendar(practice.country)
    user = client.preparer
    newest = cycle.newest
    months = [newest]
    for _ in range(HISTORY):
        months.insert(0, previous_period(months[0], Recurrence.MONTHLY))
    packs = {p.period: p for p in Pack.objects.filter(client=client, period__in=months)}
    ticked = _reconciled_items(list(packs.values()))
    opening = ledger_opening = Decimal(rng.randrange(800_000, 3_500_000)) / 100
    last = None
    for period in months:
        current = period == newest
        month = month_of(rng, business, period, last, calendar=calendar, fees_booked=not current)
        pack = packs.get(period)
        if current and pack is not None and ticked.get(pack.pk) is None:
            after = max(filter(None, [pack.created_at, _last_moment(client)]))
            session = _session(practice, after, now, 0.5)
        else:
            session = _history_session(practice, period, pack, ticked, tz, now)
        reconciliation = _import_month(
            session, client, account, period, opening, ledger_opening, month, user
        )
        _settle(session, reconciliation, month, user, write_off=current)
        signed = _finish(session, reconciliation, user)
        if current:
            story.signed_off = signed
        else:
            story.history.append(signed)
        opening += sum((e.amount for e in bank_entries(month)), Decimal(0))
        ledger_opening += sum((e.amount for e in ledger_entries(month)), Decimal(0))
        last = month


def _half_way(story, practice, client, account, period, now) -> None:
    """Imported and matched; the best suggestions accepted, the rest waiting; the bank
    charge explained and the card payment nobody recognises asked of the client."""
    rng = _rng(practice, client)
    calendar = WorkCalendar(practice.country)
    month = month_of(rng, Business.draw(rng), period, None, calendar=calendar, unknown=True)
    opening = Decimal(rng.randrange(500_000, 2_500_000)) / 100
    session = _session(practice, _last_moment(client) or now - HOUR, now, 0.8)
    user = client.preparer
    reconciliation = _import_month(session, client, account, period, opening, opening, month, user)
    waiting = _waiting_suggestions(reconciliation)
    for suggestion in waiting[: len(waiting) // 2]:
        with session.click(), contextlib.suppress(workspace.WorkspaceError):
            workspace.accept(suggestion, user)
    free = _free(reconciliation)
    for txn in month.txns:
        found = _take(free, Side.BANK, txn.bank) if txn.kind in ("charge", "unknown") else None
        if not found:
            continue
        [line] = found
        if txn.kind == "charge":
            with session.click():
                workspace.explain(
                    line, reconciliation, reason=txn.reason, note=txn.note, owner=user, user=user
                )
        elif txn.kind == "unknown":
            with session.click():
                queries.ask_client(reconciliation, line, QUESTION, user)
            story.question = Line.objects.get(pk=line.pk)
    reconciliation.refresh_from_db()
    story.half_way = reconciliation


def _waiting(story, practice, client, account, period, now) -> None:
    """The month's camt.053 statement, saved to the client's documents by the preparer when
    the client emailed it; nobody has opened the reconciliation yet."""
    rng = _rng(practice, client)
    month = month_of(rng, Business.draw(rng), period, None, calendar=WorkCalendar(practice.country))
    opening = Decimal(rng.randrange(300_000, 4_000_000)) / 100
    pack = Pack.objects.filter(client=client, period=period).first()
    found = [pack.created_at if pack else None, _last_moment(client)]
    after = max(filter(None, found), default=now - HOUR)
    with _session(practice, after, now, 0.3).click():
        story.waiting = _store(
            client,
            _bank_name(account, period, "xml"),
            camt053(account, period, opening, month),
            DocType.BANK_STATEMENT,
            period,
            client.preparer,
        )
