"""The demo's bank files: a month of a small business's bank account, and the same month as
its books record it, written as the bank's MT940 or camt.053 statement and as Xero's "Account
Transactions" report (CSV). Deterministic for a given ``random.Random``.

The bank has customer receipts quoting invoice numbers, card spend, standing orders and direct
debits (rent, utilities, subscriptions), salaries, HMRC, a round sum paid on account, paying-ins
of cheques, card takings paid out net of the processor's fee, and the bank's charge. The books
have the same transactions a few days apart and in other words, the paying-ins as separate
cheques, the takings gross, a cheque to a supplier not yet presented, and no bank charge: last
month's cheque is presented and its charge posted in the next month.
"""

import datetime
import random
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from clients.models import BankAccount, Client
from cycle.periods import Recurrence, period_end
from cycle.workdays import WorkCalendar
from reconciliation.models import Reason

CENT = Decimal("0.01")

CUSTOMERS = [
    "Acme Trading Ltd", "Brown & Co", "Castlegate Homes", "Dovetail Interiors", "Ellis Ltd",
    "Fairway Hotels", "Greenleaf Cafe", "Hartley Estates", "Ingram Logistics", "Jarvis & Sons",
    "Kingsley School", "Lakeside Dental", "Morton Farms", "Northgate Surgery", "Oakwood Nursery",
]  # fmt: skip
MERCHANTS = [
    ("TESCO STORES", "Tesco Stores"), ("SCREWFIX DIRECT", "Screwfix"),
    ("AMAZON.CO.UK", "Amazon"), ("SHELL", "Shell fuel"), ("COSTA COFFEE", "Costa Coffee"),
    ("ROYAL MAIL", "Royal Mail postage"), ("TRAVIS PERKINS", "Travis Perkins"),
    ("STAPLES UK", "Staples stationery"), ("TRAINLINE", "Trainline"), ("B&Q", "B&Q"),
]  # fmt: skip
SUBSCRIPTIONS = [
    ("XERO UK", "Xero subscription", Decimal("33.00")),
    ("MICROSOFT", "Microsoft 365", Decimal("20.60")),
    ("BT GROUP PLC", "BT Business broadband", Decimal("54.99")),
    ("ADOBE SYSTEMS", "Adobe Creative Cloud", Decimal("19.97")),
    ("HISCOX INSURANCE", "Hiscox insurance", Decimal("68.40")),
]
LANDLORDS = ["Holland Estates", "Pennine Property Co", "Marlow Lettings", "Ashby Investments"]
PROCESSORS = [("STRIPE PAYMENTS UK", "Stripe takings"), ("SUMUP PAYMENTS", "SumUp takings")]
STAFF_FIRST = ["J", "A", "M", "S", "R", "L", "K", "D"]
STAFF_LAST = ["Smith", "Patel", "Jones", "Evans", "Khan", "Clarke", "Hughes", "Turner"]
DIRECTORS = ["Ward", "Bell", "Reid", "Hall", "Cooper", "Moore"]
SUPPLIERS = ["Smith Supplies", "Ridgeway Timber", "Kent Fixings", "Abbey Print"]


# --- a month of a small business's bank, and its books --------------------------------------


@dataclass(frozen=True)
class BankEntry:
    date: datetime.date
    amount: Decimal
    text: str  # the :86: information
    code: str  # the SWIFT transaction type (TRF, DDT, STO, CHG, CHK, MSC)
    reference: str = "NONREF"
    bank_ref: str = ""


@dataclass(frozen=True)
class LedgerEntry:
    date: datetime.date
    amount: Decimal
    source: str  # Xero's source: Receivable Payment, Spend Money, ...
    description: str
    reference: str = ""
    vat: bool = False  # a purchase with VAT on it


@dataclass
class Txn:
    """One transaction as the bank and the books have it (either may be missing), and what the
    bookkeeper makes of it when the matcher leaves it."""

    kind: str
    bank: list[BankEntry] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    reason: str = ""  # why it stays unmatched at the month end
    note: str = ""


@dataclass
class Business:
    """What stays the same from month to month: who pays, who is paid, and how much."""

    customers: list[str]
    merchants: list[tuple[str, str]]
    landlord: str
    rent: Decimal
    rent_day: int
    subscriptions: list[tuple[str, str, Decimal, int]]
    staff: list[tuple[str, Decimal]]
    processor: tuple[str, str]
    card: str
    invoice: int
    cheque: int
    paying_in: int

    @classmethod
    def draw(cls, rng: random.Random) -> "Business":
        subs = rng.sample(SUBSCRIPTIONS, 3)
        return cls(
            customers=rng.sample(CUSTOMERS, 7),
            merchants=rng.sample(MERCHANTS, 7),
            landlord=rng.choice(LANDLORDS),
            rent=Decimal(rng.randrange(850, 2400, 25)),
            rent_day=1,
            subscriptions=[
                (bank, books, amount, rng.randint(3, 24)) for bank, books, amount in subs
            ],
            staff=[
                (f"{rng.choice(STAFF_FIRST)} {last}", _money(rng.uniform(1450, 2850)))
                for last in rng.sample(STAFF_LAST, rng.randint(2, 4))
            ],
            processor=rng.choice(PROCESSORS),
            card=f"{rng.randint(1000, 9999)}",
            invoice=rng.randint(1040, 2600),
            cheque=rng.randint(100120, 100480),
            paying_in=rng.randint(300100, 300900),
        )


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _bank_days(period: datetime.date, calendar: WorkCalendar | None) -> list[datetime.date]:
    """The days the bank posts on: the month's working days (weekdays without a calendar)."""
    end = period_end(period, Recurrence.MONTHLY)
    days = [period + datetime.timedelta(days=n) for n in range((end - period).days + 1)]
    if calendar is not None:
        return [day for day in days if calendar.is_working_day(day)]
    return [day for day in days if day.weekday() < 5]


def _before(day: datetime.date, days: int, period: datetime.date) -> datetime.date:
    return max(period, day - datetime.timedelta(days=days))


def _on_or_after(days: list[datetime.date], wanted: int) -> datetime.date:
    return next((day for day in days if day.day >= wanted), days[-1])


@dataclass
class Month:
    txns: list[Txn]
    cheque: Txn | None  # written this month, presented next month
    charge: Txn | None  # charged this month, posted to the books next month


def month_of(
    rng: random.Random,
    business: Business,
    period: datetime.date,
    last: Month | None,
    *,
    calendar: WorkCalendar | None = None,
    fees_booked: bool = False,
    unknown: bool = False,
) -> Month:
    """The month's transactions (see the module docstring); ``last`` month's unpresented
    cheque is presented and its bank charge posted in this one. With ``fees_booked`` the
    books also hold the card processor's fees, as a bookkeeper posts them when reconciling;
    with ``unknown`` the bank has a card payment the books know nothing of."""
    days = _bank_days(period, calendar)
    txns: list[Txn] = []
    ref = iter(range(1, 1000))

    def bank(day, amount, text, code, reference="NONREF") -> BankEntry:
        return BankEntry(day, amount, text, code, reference, f"{code}{period:%y%m}{next(ref):03d}")

    if last and last.cheque:
        written = last.cheque.ledger[0]
        day = days[rng.randint(0, 2)]
        number = written.reference.split()[-1]
        txns.append(Txn("cheque", [bank(day, written.amount, f"CHQ {number}", "CHK", number)]))
    if last and last.charge:
        charged = last.charge.bank[0]
        day = days[rng.randint(0, 2)]
        posted = LedgerEntry(
            day, charged.amount, "Spend Money", f"Bank charges {charged.date:%B}", "CHARGES"
        )
        txns.append(Txn("charge posted", ledger=[posted]))

    for customer in rng.sample(business.customers, rng.randint(5, 7)):
        day = rng.choice(days)
        amount = _money(rng.uniform(320, 4800))
        invoice = f"INV-{business.invoice}"
        business.invoice += rng.randint(1, 3)
        txns.append(
            Txn(
                "receipt",
                [bank(day, amount, f"FP {customer.upper()} {invoice}", "TRF", invoice)],
                [
                    LedgerEntry(
                        _before(day, rng.randint(0, 1), period),
                        amount,
                        "Receivable Payment",
                        f"Payment: {customer}",
                        invoice,
                    )
                ],
            )
        )
    for merchant, books in rng.choices(business.merchants, k=rng.randint(7, 10)):
        day = rng.choice(days)
        amount = -_money(rng.uniform(4, 180))
        spent = _before(day, rng.randint(0, 3), period)
        text = f"CARD {business.card} {merchant} {spent:%d%b}".upper()
        txns.append(
            Txn(
                "card",
                [bank(day, amount, text, "MSC")],
                [LedgerEntry(spent, amount, "Spend Money", books, f"Card {business.card}", True)],
            )
        )
    rent_day = _on_or_after(days, business.rent_day)
    txns.append(
        Txn(
            "rent",
            [
                bank(
                    rent_day,
                    -business.rent,
                    f"SO {business.landlord.upper()} RENT {period:%b}".upper(),
                    "STO",
                )
            ],
            [
                LedgerEntry(
                    rent_day,
                    -business.rent,
                    "Spend Money",
                    f"{business.landlord} - rent {period:%B}",
                    f"RENT-{period:%b}".upper(),
                )
            ],
        )
    )
    gas = -_money(rng.uniform(140, 320))
    utilities = [("BRITISH GAS", "British Gas", gas, 15), ("THAMES WATER", "Thames Water", None, 9)]
    for bank_name, books, amount, wanted in utilities:
        amount = amount if amount is not None else -_money(rng.uniform(38, 44))
        day = _on_or_after(days, wanted)
        mandate = f"{zlib.crc32(bank_name.encode()) % 900000 + 100000}"
        txns.append(
            Txn(
                "direct debit",
                [bank(day, amount, f"DD {bank_name} {mandate}", "DDT")],
                [LedgerEntry(day, amount, "Spend Money", books, f"DD-{period:%b}".upper(), True)],
            )
        )
    for bank_name, books, amount, wanted in business.subscriptions:
        day = _on_or_after(days, wanted)
        txns.append(
            Txn(
                "direct debit",
                [bank(day, -amount, f"DD {bank_name}", "DDT")],
                [LedgerEntry(day, -amount, "Spend Money", books, "DD", True)],
            )
        )
    payday = _on_or_after(days, 26)
    for name, pay in business.staff:
        txns.append(
            Txn(
                "salary",
                [bank(payday, -pay, f"FPO {name.upper()} SALARY {period:%b}".upper(), "TRF")],
                [LedgerEntry(payday, -pay, "Spend Money", f"Wages: {name}", f"PAY-{period:%m}")],
            )
        )
    paye = -_money(sum(pay for _, pay in business.staff) * Decimal("0.31"))
    day = _on_or_after(days, 22)
    txns.append(
        Txn(
            "hmrc",
            [bank(day, paye, "HMRC PAYE/NIC 120PA00451234", "TRF", "120PA00451234")],
            [LedgerEntry(day, paye, "Payable Payment", "Payment: HMRC PAYE", "PAYE")],
        )
    )
    # A customer paying a round sum on account, under another name than the books use.
    customer = rng.choice(business.customers)
    day = rng.choice(days)
    amount = Decimal(rng.randrange(500, 3000, 250))
    # Paid by its director from a personal account: the bank shows the director's name.
    payer = f"FP {rng.choice(STAFF_FIRST)} {rng.choice(DIRECTORS)} PAYMENT".upper()
    recorded = LedgerEntry(day, amount, "Receive Money", f"{customer} on account", "ON ACCOUNT")
    txns.append(Txn("on account", [bank(day, amount, payer, "TRF")], [recorded]))
    # Paying-ins of cheques: one line at the bank, a line per cheque in the books.
    for day in sorted(rng.sample(days[5:], rng.randint(1, 2))):
        cheques = [_money(rng.uniform(120, 900)) for _ in range(rng.randint(2, 3))]
        payers = rng.sample(business.customers, len(cheques))
        slip = f"{business.paying_in}"
        business.paying_in += 1
        paid_in = _before(day, 1, period)
        txns.append(
            Txn(
                "paying-in",
                [bank(day, sum(cheques), f"PAYING IN {slip}", "TRF", slip)],
                [
                    LedgerEntry(paid_in, amount, "Receivable Payment", f"Cheque: {payer}", "CHQ")
                    for amount, payer in zip(cheques, payers, strict=True)
                ],
            )
        )
    # Card takings: paid out net of the processor's fee, recorded gross in the books.
    processor, books = business.processor
    for wanted in (8, 21):
        day = _on_or_after(days, wanted)
        gross = _money(rng.uniform(900, 3200))
        fee = (gross * Decimal("0.0175") + Decimal("0.20")).quantize(CENT)
        sold = _before(day, 2, period)
        recorded = [LedgerEntry(sold, gross, "Receive Money", books, f"PO-{day:%m%d}")]
        if fees_booked:
            fees = f"{processor.split()[0].title()} fees"
            recorded.append(LedgerEntry(sold, -fee, "Spend Money", fees, f"PO-{day:%m%d}"))
        payout = [bank(day, gross - fee, f"{processor} PAYOUT", "TRF")]
        txns.append(Txn("takings", payout, recorded, reason="fee"))
    if unknown:
        day = rng.choice(days[3:])
        text = f"CARD {business.card} AMZN MKTP UK*2Q81T {day:%d%b}".upper()
        txns.append(Txn("unknown", [bank(day, -_money(rng.uniform(60, 240)), text, "MSC")]))
    charge = Txn(
        "charge",
        [bank(days[-1], -_money(rng.uniform(6, 18.5)), "SERVICE CHARGES", "CHG")],
        reason=Reason.MISSING_FROM_LEDGER,
        note=f"{period:%B} account fee, to post",
    )
    cheque_day = days[-rng.randint(2, 4)]
    cheque = Txn(
        "unpresented cheque",
        ledger=[
            LedgerEntry(
                cheque_day,
                -_money(rng.uniform(240, 980)),
                "Spend Money",
                rng.choice(SUPPLIERS),
                f"Cheque {business.cheque:06d}",
            )
        ],
        reason=Reason.MISSING_FROM_BANK,
        note=f"Cheque {business.cheque:06d} not yet presented",
    )
    business.cheque += 1
    txns += [charge, cheque]
    return Month(txns, cheque, charge)


# --- the files -------------------------------------------------------------------------------


def _swift_amount(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def _mark(amount: Decimal) -> str:
    return "D" if amount < 0 else "C"


def bank_entries(month: Month) -> list[BankEntry]:
    return sorted((e for t in month.txns for e in t.bank), key=lambda e: (e.date, e.bank_ref))


def ledger_entries(month: Month) -> list[LedgerEntry]:
    return sorted((e for t in month.txns for e in t.ledger), key=lambda e: e.date)


def mt940(account: BankAccount, period: datetime.date, opening: Decimal, month: Month) -> bytes:
    """The month's statement as the bank's MT940 export."""
    end = period_end(period, Recurrence.MONTHLY)
    before = period - datetime.timedelta(days=1)
    balance = opening
    lines = [
        f":20:STMT{period:%y%m}{account.account_number[-4:]}",
        f":25:{account.sort_code}{account.account_number}",
        f":28C:{period.month}/1",
        f":60F:{_mark(opening)}{before:%y%m%d}GBP{_swift_amount(opening)}",
    ]
    for entry in bank_entries(month):
        balance += entry.amount
        lines.append(
            f":61:{entry.date:%y%m%d%m%d}{_mark(entry.amount)}{_swift_amount(entry.amount)}"
            f"N{entry.code}{entry.reference[:16]}//{entry.bank_ref}"
        )
        lines.append(f":86:{entry.text[:65]}")
    lines += [f":62F:{_mark(balance)}{end:%y%m%d}GBP{_swift_amount(balance)}", "-", ""]
    return "\r\n".join(lines).encode("ascii")


def camt053(account: BankAccount, period: datetime.date, opening: Decimal, month: Month) -> bytes:
    """The month's statement as the bank's camt.053 (version 2) export."""
    end = period_end(period, Recurrence.MONTHLY)
    entries = bank_entries(month)
    closing = opening + sum((e.amount for e in entries), Decimal(0))

    def balance(code: str, amount: Decimal, day: datetime.date) -> str:
        indicator = "DBIT" if amount < 0 else "CRDT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="GBP">{abs(amount):.2f}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f"<Dt><Dt>{day:%Y-%m-%d}</Dt></Dt></Bal>"
        )

    def entry(e: BankEntry) -> str:
        indicator = "DBIT" if e.amount < 0 else "CRDT"
        reference = e.reference if e.reference != "NONREF" else "NOTPROVIDED"
        return (
            f'<Ntry><Amt Ccy="GBP">{abs(e.amount):.2f}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{e.date:%Y-%m-%d}</Dt></BookgDt>"
            f"<ValDt><Dt>{e.date:%Y-%m-%d}</Dt></ValDt><AcctSvcrRef>{e.bank_ref}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>{reference}</EndToEndId></Refs>"
            f"<RmtInf><Ustrd>{_xml(e.text)}</Ustrd></RmtInf></TxDtls></NtryDtls>"
            f"<AddtlNtryInf>{_xml(e.text)}</AddtlNtryInf></Ntry>"
        )

    ident = f"{account.sort_code}{account.account_number}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
        f"<GrpHdr><MsgId>{ident}-{period:%Y%m}</MsgId>"
        f"<CreDtTm>{end:%Y-%m-%d}T23:59:00</CreDtTm></GrpHdr>",
        f"<Stmt><Id>{ident}-{period:%Y%m}</Id><CreDtTm>{end:%Y-%m-%d}T23:59:00</CreDtTm>",
        f"<FrToDt><FrDtTm>{period:%Y-%m-%d}T00:00:00</FrDtTm>"
        f"<ToDtTm>{end:%Y-%m-%d}T23:59:59</ToDtTm></FrToDt>",
        f"<Acct><Id><Othr><Id>{ident}</Id><SchmeNm><Prtry>SortCodeAccountNumber</Prtry>"
        f"</SchmeNm></Othr></Id><Ccy>GBP</Ccy><Nm>{_xml(account.name)}</Nm></Acct>",
        balance("OPBD", opening, period - datetime.timedelta(days=1)),
        balance("CLBD", closing, end),
        *(entry(e) for e in entries),
        "</Stmt></BkToCstmrStmt></Document>",
    ]
    return "\n".join(parts).encode("utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _csv_money(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return f'"{text}"' if "," in text else text


def xero_csv(client: Client, account: BankAccount, period, opening: Decimal, month) -> bytes:
    """The month's bank account as Xero's "Account Transactions" report, exported as CSV."""
    end = period_end(period, Recurrence.MONTHLY)
    rows = [
        "Account Transactions",
        client.name.replace(",", ""),
        f"For the period {period:%-d %B %Y} to {end:%-d %B %Y}",
        "",
        "Date,Source,Description,Reference,Debit,Credit,Running Balance,Gross,VAT",
        account.name,
        f"Opening Balance,,,,,,{_csv_money(opening)},,",
    ]
    balance, debits, credits = opening, Decimal(0), Decimal(0)
    for entry in ledger_entries(month):
        balance += entry.amount
        money_in = entry.amount if entry.amount > 0 else Decimal(0)
        money_out = -entry.amount if entry.amount < 0 else Decimal(0)
        debits, credits = debits + money_in, credits + money_out
        vat = (money_out / 6).quantize(CENT) if entry.vat else Decimal(0)
        rows.append(
            ",".join(
                [
                    f"{entry.date:%d %b %Y}",
                    entry.source,
                    entry.description.replace(",", ""),
                    entry.reference,
                    _csv_money(money_in) if money_in else "",
                    _csv_money(money_out) if money_out else "",
                    _csv_money(balance),
                    _csv_money(abs(entry.amount)),
                    _csv_money(vat),
                ]
            )
        )
    rows += [
        f"Total {account.name},,,,{_csv_money(debits)},{_csv_money(credits)},,,",
        f"Closing Balance,,,,,,{_csv_money(balance)},,",
        "",
    ]
    return "\r\n".join(rows).encode("utf-8")
