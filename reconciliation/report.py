"""The bank reconciliation statement as a PDF (WeasyPrint), for the reconciliation's file.

``statement_context`` gathers the figures, the outstanding items (each list capped at
``LIST_LIMIT`` rows: the rest are counted, not printed, so the render time stays bounded) and
who prepared and signed it off, in a constant number of queries. ``render_statement`` renders
``reconciliation/report.html`` with it and returns the PDF's bytes. Both run inside the
practice's context (a worker's task).

The renderer fetches nothing from the network: the page's base URL is a made-up origin and
``fetch_static`` serves its ``/static/`` files from disk and refuses every other URL.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.text import Truncator

from documents.pdf import (  # noqa: F401  (the report's helpers, read here by its tests)
    BASE_URL,
    STATIC_PREFIX,
    ResourceRefused,
    fetch_static,
    html_to_pdf,
    money,
)
from reconciliation.models import Line, Match, Reason, Reconciliation, Side
from reconciliation.summary import Summary, summarise
from reconciliation.workspace import month_end, outstanding

TEMPLATE = "reconciliation/report.html"
LIST_LIMIT = 500  # rows printed per list of outstanding items
TEXT_LIMIT = 120  # characters of a description or note printed (three lines at most)
CENT = Decimal("0.01")
REASONS = dict(Reason.choices)
HOW_MATCHED = {
    Match.Kind.AUTO: "Matched automatically",
    Match.Kind.SUGGESTED: "Accepted suggestion",
    Match.Kind.MANUAL: "Matched by hand",
}


# --- formatting ---------------------------------------------------------------------------


def long_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def short_date(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


def moment(value: datetime.datetime | None, tz_name: str) -> str:
    """``18 November 2026 at 10:30 GMT`` in the practice's time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz_name))
    return f"{long_date(local.date())} at {local:%H:%M} {local.tzname()}"


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def clip(text: str) -> str:
    return Truncator(text).chars(TEXT_LIMIT)


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One outstanding line or one write-off, ready to print."""

    date: str
    brought_forward: bool
    description: str
    reference: str
    amount: str
    reason: str
    note: str


@dataclass(frozen=True)
class Listing:
    items: list[Item]
    count: int  # how many there are, printed or not
    total: str

    @property
    def more(self) -> int:
        return self.count - len(self.items)


ITEM_FIELDS = ("date", "amount", "counterparty", "description", "reference", "reason", "note")


def _outstanding(reconciliation: Reconciliation, side: str, count: int, total) -> Listing:
    rows = outstanding(reconciliation, side).order_by("date", "pk").values_list(*ITEM_FIELDS)
    start = reconciliation.period
    items = [
        Item(
            date=short_date(date),
            brought_forward=date < start,
            description=clip(" ".join(p for p in (counterparty, description) if p)),
            reference=reference,
            amount=money(amount),
            reason=REASONS.get(reason, ""),
            note=clip(note),
        )
        for date, amount, counterparty, description, reference, reason, note in rows[:LIST_LIMIT]
    ]
    return Listing(items=items, count=count, total=money(total))


def _write_offs(reconciliation: Reconciliation, count: int, total) -> Listing:
    rows = (
        Match.objects.filter(reconciliation=reconciliation, state=Match.State.ACCEPTED)
        .exclude(difference=0)
        .order_by("decided_at", "pk")
        .values_list("kind", "reason", "difference")
    )
    items = [
        Item(
            date="",
            brought_forward=False,
            description=clip(reason) or HOW_MATCHED.get(kind, ""),
            reference="",
            amount=money(difference),
            reason=HOW_MATCHED.get(kind, ""),
            note="",
        )
        for kind, reason, difference in rows[:LIST_LIMIT]
    ]
    return Listing(items=items, count=count, total=money(total))


@dataclass(frozen=True)
class Matched:
    bank_lines: int
    ledger_lines: int
    automatically: int
    accepted_suggestions: int
    by_hand: int


def _matched(reconciliation: Reconciliation) -> tuple[Matched, int]:
    """What this reconciliation matched, and how many accepted matches wrote a difference
    off."""
    accepted = Q(state=Match.State.ACCEPTED)
    matches = Match.objects.filter(reconciliation=reconciliation).aggregate(
        auto=Count("pk", filter=accepted & Q(kind=Match.Kind.AUTO)),
        suggested=Count("pk", filter=accepted & Q(kind=Match.Kind.SUGGESTED)),
        manual=Count("pk", filter=accepted & Q(kind=Match.Kind.MANUAL)),
        written=Count("pk", filter=accepted & ~Q(difference=0)),
    )
    lines = Line.objects.filter(match__reconciliation=reconciliation).aggregate(
        bank=Count("pk", filter=Q(side=Side.BANK)),
        ledger=Count("pk", filter=Q(side=Side.LEDGER)),
    )
    matched = Matched(
        bank_lines=lines["bank"],
        ledger_lines=lines["ledger"],
        automatically=matches["auto"],
        accepted_suggestions=matches["suggested"],
        by_hand=matches["manual"],
    )
    return matched, matches["written"]


def _account_number(account) -> str:
    """``40-12-76 31926819``, or an empty string (an IBAN account prints its IBAN)."""
    return " ".join(p for p in (account.sort_code_display, account.account_number) if p)


def statement_context(reconciliation: Reconciliation) -> dict:
    """Everything the statement prints, in eight queries whatever the number of lines."""
    reconciliation = Reconciliation.objects.select_related(
        "practice", "client", "bank_account", "prepared_by", "signed_off_by"
    ).get(pk=reconciliation.pk)
    practice = reconciliation.practice
    account = reconciliation.bank_account
    summary: Summary = summarise(reconciliation)
    matched, written_count = _matched(reconciliation)
    difference = summary.difference
    return {
        "practice": practice,
        "reconciliation": reconciliation,
        "client": reconciliation.client,
        "bank_account": account,
        "account_number": _account_number(account),
        "period": f"{reconciliation.period:%B %Y}",
        "as_at": long_date(month_end(reconciliation.period)),
        "summary": summary,
        "figures": {
            "statement_balance": money(summary.statement_balance),
            "bank_not_in_ledger": money(summary.bank_not_in_ledger),
            "ledger_not_in_bank": money(summary.ledger_not_in_bank),
            "written_off": money(summary.written_off),
            "expected_ledger_balance": money(summary.expected_ledger_balance),
            "ledger_balance": money(summary.ledger_balance),
            "difference": money(difference),
        },
        "reconciled": difference is not None and not difference.quantize(CENT),
        "bank_lines": _outstanding(
            reconciliation, Side.BANK, summary.bank_unmatched, summary.bank_not_in_ledger
        ),
        "ledger_lines": _outstanding(
            reconciliation, Side.LEDGER, summary.ledger_unmatched, summary.ledger_not_in_bank
        ),
        "write_offs": _write_offs(reconciliation, written_count, summary.written_off),
        "matched": matched,
        "prepared_by": person(reconciliation.prepared_by),
        "finished_at": moment(reconciliation.finished_at, practice.timezone),
        "signed_off_by": person(reconciliation.signed_off_by),
        "signed_off_at": moment(reconciliation.signed_off_at, practice.timezone),
        "list_limit": LIST_LIMIT,
    }


# --- the PDF ------------------------------------------------------------------------------


def render_statement(reconciliation: Reconciliation) -> bytes:
    """The bank reconciliation statement, as the bytes of an A4 PDF."""
    return html_to_pdf(render_to_string(TEMPLATE, statement_context(reconciliation)))
