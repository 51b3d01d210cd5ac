"""A labelled bank-and-ledger set for the reconciliation matcher (issue 13: "on a labelled
generated set ... auto matches at least 99.5 % correct and at least 95 % of matchable lines
found"). Pure Python, importable (``bench/matching.py`` and the quality test use it).

``generate(n_bank, seed)`` returns ``(bank, ledger, truth)``: about ``n_bank`` bank lines, the
books' ledger entries for the same period (a year for 10,000 lines, at least two months), and
``truth``, which maps each matched group ``(frozenset(bank ids), frozenset(ledger ids))`` to
the kind of transaction it is. Lines in no group are on one side only.

The noise real books have:
- dates 0 to 5 days apart (cheques and card settlements later, the bookkeeper sometimes
  posting after the bank), and one line in a hundred further apart than any window;
- references quoted intact, with the prefix dropped (``10423`` for ``INV-10423``), run
  together (``INV10423``), with two digits swapped, replaced by the payer's own reference, or
  missing; banks cut the payer's name at 18 characters and abbreviate it; card lines name the
  merchant as the card scheme does (``AMZN MKTP UK*2X4``, ``MSFT * E0300KPRJL``);
- card takings paid out with the processor's fee netted off, and foreign customers' payments
  short by the bank's transfer charge (the match is a near-amount one);
- batch deposits of cheques, bulk supplier payment runs (up to five entries, one bank line),
  invoices paid in two or three instalments;
- many equal amounts: rent and salaries paid on the same day each month (several staff on the
  same pay), subscriptions at 9.99, cash withdrawals of 100 and 200, the same coffee bought
  twice a week;
- lines on one side only: bank charges and interest, card spends not yet posted, receipts the
  bookkeeper has not seen, cheques not yet presented, payments for next month, an entry posted
  twice.

Ids are assigned after shuffling, so nothing about a line's id says which line it goes with.

    .venv/bin/python bench/matching_data.py [--n 2000] [--seed 1]   # prints the mix
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reconciliation.matching import Line, MatchRules  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


# The client's rules the set is generated for: a week's window, and card fees (1.4 % + 20p,
# up to 2.5 %) and transfer charges (up to 15.00 on a large payment) within the tolerance.
RULES = MatchRules(date_window_days=7, tolerance=Decimal("1.00"), tolerance_percent=Decimal("2.5"))
START = datetime.date(2025, 1, 1)

STEMS = _words(
    """Acme Apex Kestrel Brightwater Oakfield Riverside Northgate Greenleaf Bluebell Highland
Silverline Redwood Falcon Phoenix Summit Harbourside Meadowbank Willowbrook Ivydene
Beacon Castlegate Crownpoint Anchor Compass Horizon Lighthouse Orchard Quarryside Saxon
Thistle Vanguard Windmill Zenith Elmtree Birchwood Cedar Maplehurst Hawthorn Kingfisher
Osprey Puffin Wren Heron Badger Otterburn Foxglove Larkspur Juniper Hazelwood Ashcombe
Blackthorn Copperfield Driftwood Fernhill Goldcrest Hollybush Ironbridge Jubilee
Keystone Marlowe Oakridge Pinewood Quayside Rosehill Stonebridge Valewood Wheatsheaf
Amberley Bramble Cobalt Dunmore Granary"""
)
TRADES = _words(
    """Joinery Plumbing Electrical Roofing Builders Landscapes Catering Bakery Florists
Interiors Logistics Haulage Engineering Consulting Dental Veterinary Motors Printing
Design Scaffolding Glazing Cleaning Security Brewing Textiles Software Media Architects"""
)
SUFFIXES = ["Ltd", "Ltd", "Limited", "LLP", "& Co", "& Sons Ltd", "Group Ltd", ""]
FIRST = _words(
    """James Oliver Harry Jack George Noah Charlie Thomas Oscar William Daniel Samuel Amelia
Olivia Isla Emily Ava Lily Mia Sophie Grace Chloe Priya Aisha Fatima Zara Niamh"""
)
LAST = _words(
    """Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Khan Robinson Wright
Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Lewis
Harris Martin Cooper King Lee Allen Baker Turner Hill Scott Ward Morris Moore Young
Carter"""
)

# (ledger name, the ways a card scheme or bank writes it, usual amounts or None for random)
MERCHANTS = [
    ("Amazon Marketplace EU SARL", ["AMAZON MKTPLACE", "AMZN MKTP UK*2X4", "AMAZON.CO.UK*MK1"]),
    ("Tesco Stores", ["TESCO STORES 3297", "TESCO STORE 2041", "TESCO EXPRESS"]),
    ("Costa Coffee", ["COSTA COFFEE 43012", "COSTA COFFEE"]),
    ("Pret A Manger", ["PRET A MANGER", "PRET A MANGER 1123"]),
    ("Shell fuel", ["SHELL BRISTOL", "SHELL 4431"]),
    ("Screwfix Direct", ["SCREWFIX DIRECT", "SCREWFIX 2231"]),
    ("Travis Perkins", ["TRAVIS PERKINS PLC", "TRAVIS PERKINS"]),
    ("Trainline", ["TRAINLINE.COM", "TRAINLINE"]),
    ("Uber trips", ["UBER *TRIP", "UBER BV"]),
    ("Royal Mail postage", ["ROYAL MAIL", "ROYALMAIL.COM"]),
    ("Staples office supplies", ["STAPLES UK", "VIKING DIRECT"]),  # Viking trades as Staples
    ("Sainsbury's", ["SAINSBURYS S/MKTS", "JS ONLINE GROCERY"]),
    ("B&Q", ["B & Q 1234", "B AND Q"]),
    ("Wickes Building Supplies", ["WICKES 1187", "WICKES"]),
]
COFFEE_PRICES = ["3.20", "3.45", "4.50", "4.95", "2.90"]
SUBSCRIPTIONS = [  # ledger name, bank text, amount, day of month
    ("Microsoft Ireland Operations", "MSFT * E0300KPRJL", "9.99", 1),
    ("Google Workspace", "GOOGLE *GSUITE_ACME", "9.99", 1),
    ("Dropbox International", "DROPBOX*4K2L9HG", "9.99", 3),
    ("Zoom Video Communications", "ZOOM.US 888-799-9666", "11.99", 5),
    ("Adobe Systems Software Ireland", "ADOBE *CREATIVE CLD", "19.97", 7),
    ("Xero (UK) Ltd", "XERO UK", "33.00", 1),
    ("Slack Technologies", "SLACK T03AB9", "9.99", 12),
    ("Canva Pty", "CANVA* 0440118", "10.99", 15),
    ("BT Group plc", "BT GROUP PLC", "45.00", 20),
    ("Vodafone Ltd", "VODAFONE LTD", "45.00", 20),
    ("Sage UK", "SAGE UK LTD", "30.00", 1),
    ("LinkedIn Ireland", "LINKEDIN P1234", "29.99", 9),
]
CHARGES = [
    ("SERVICE CHARGES", (5, 35)),
    ("NON-STERLING TRANSACTION FEE", (1, 4)),
    ("OVERDRAFT INTEREST", (2, 40)),
    ("COMMISSION CHARGES", (3, 20)),
    ("UNPAID ITEM FEE", (5, 25)),
]
MONTH = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


class Builder:
    def __init__(self, n_bank: int, seed: int):
        self.rng = random.Random(seed)
        self.days = max(60, n_bank // 30)
        self.bank: list[dict] = []
        self.ledger: list[dict] = []
        self.groups: list[tuple[list[dict], list[dict], str]] = []
        self.invoice = 10000 + self.rng.randrange(5000)
        self.cheque = 100100 + self.rng.randrange(800)
        rng = self.rng
        parties = max(40, n_bank // 25)
        self.customers = [self._company() for _ in range(parties)]
        self.suppliers = [self._company() for _ in range(parties // 2)]
        salaries = ["1850.00", "1850.00", "2083.33", "1625.50", "2400.00"]
        self.staff = [
            (f"{rng.choice(FIRST)} {rng.choice(LAST)}", Decimal(rng.choice(salaries)))
            for _ in range(max(3, n_bank // 300))
        ]
        self.landlords = [(self._company(), Decimal(rng.choice(["1200.00", "950.00"])), 1)]
        if n_bank > 3000:
            self.landlords.append((self._company(), Decimal("1200.00"), 1))

    # -- names, amounts, dates -------------------------------------------------------------

    def _company(self) -> str:
        rng = self.rng
        name = f"{rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"
        return name.strip()

    def bank_name(self, name: str) -> str:
        """The payer's name as banks print it: capitals, abbreviated, cut at 18 characters."""
        rng = self.rng
        words = name.upper().replace("&", "AND").split()
        style = rng.random()
        if style < 0.25:
            words = [w for w in words if w not in {"LTD", "LIMITED", "LLP"}]
        elif style < 0.45:
            words = [w if len(w) <= 4 or rng.random() < 0.5 else _abbreviate(w) for w in words]
        text = " ".join(words)
        return text[:18].rstrip()

    def amount(self, low: float, high: float, round_share: float = 0.0) -> Decimal:
        rng = self.rng
        value = low * (high / low) ** rng.random()
        if rng.random() < round_share:
            step = 50 if value > 500 else 10 if value > 50 else 1
            return Decimal(max(step, int(value / step) * step)).quantize(Decimal("0.01"))
        return Decimal(f"{value:.2f}")

    def day(self) -> int:
        return self.rng.randrange(self.days)

    def lag(self, low: int = 0, high: int = 3) -> int:
        """Days from the ledger entry to the bank line; now and then posted after the bank,
        and one in a hundred further apart than any window."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.01:
            return rng.choice([-1, 1]) * rng.randint(9, 20)
        if roll < 0.12:
            return -rng.randint(1, 3)
        return rng.randint(low, high)

    # -- lines -----------------------------------------------------------------------------

    def line(self, side: str, day: int, amount: Decimal, text: str, reference: str = "") -> dict:
        record = {
            "date": START + datetime.timedelta(days=day),
            "amount": amount,
            "text": text,
            "reference": reference,
        }
        (self.bank if side == "bank" else self.ledger).append(record)
        return record

    def pair(
        self, kind: str, ledger_day: int, amount: Decimal, bank_text, ledger_text, lag=None, **refs
    ):
        lag = self.lag() if lag is None else lag
        b = self.line("bank", ledger_day + lag, amount, bank_text, refs.get("bank_ref", ""))
        led = self.line("ledger", ledger_day, amount, ledger_text, refs.get("ledger_ref", ""))
        self.groups.append(([b], [led], kind))

    def mangled(self, reference: str, digits: str) -> str:
        """How the payer quotes our reference."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return reference
        if roll < 0.50:
            return digits
        if roll < 0.58:
            return reference.replace("-", "")
        if roll < 0.68:
            i = rng.randrange(len(digits) - 1)
            return "INV " + digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if roll < 0.78:
            return f"PO {rng.randint(1000, 99999)}"
        return ""

    # -- transactions ----------------------------------------------------------------------

    def receipt(self):
        rng = self.rng
        customer = rng.choice(self.customers)
        self.invoice += rng.randint(1, 3)
        digits = str(self.invoice)
        reference = f"INV-{digits}"
        amount = self.amount(40, 8000, round_share=0.2)
        quoted = self.mangled(reference, digits)
        how = rng.choice(["FPS CREDIT ", "BGC ", "", "FASTER PAYMENT "])
        bank_text = f"{how}{self.bank_name(customer)}"
        if rng.random() < 0.4 and quoted:
            bank_text, quoted = f"{bank_text} {quoted}", ""
        ledger_text = f"Receipt {reference} {customer}"
        self.pair(
            "receipt",
            self.day(),
            amount,
            bank_text,
            ledger_text,
            bank_ref=quoted,
            ledger_ref=reference,
        )

    def short_receipt(self):
        """A foreign customer's payment, short by the banks' transfer charges."""
        rng = self.rng
        customer = rng.choice(self.customers)
        self.invoice += 1
        reference = f"INV-{self.invoice}"
        amount = self.amount(600, 9000)
        charge = Decimal(rng.choice(["6.00", "8.50", "10.00", "12.00", "15.00"]))
        day = self.day()
        b = self.line(
            "bank",
            day + self.lag(),
            amount - charge,
            f"INTL CREDIT {self.bank_name(customer)}",
            self.mangled(reference, str(self.invoice)),
        )
        led = self.line("ledger", day, amount, f"Receipt {reference} {customer}", reference)
        self.groups.append(([b], [led], "short payment"))

    def supplier_payment(self):
        rng = self.rng
        supplier = rng.choice(self.suppliers)
        their_invoice = f"{rng.choice(['SI', 'A', 'INV', ''])}{rng.randint(1000, 99999)}"
        amount = -self.amount(20, 6000, round_share=0.25)
        bank_text = f"{rng.choice(['FPS ', 'BACS ', 'BP ', ''])}{self.bank_name(supplier)}"
        quoted = their_invoice if rng.random() < 0.5 else ""
        ledger_text = f"Payment {supplier}"
        self.pair(
            "supplier payment",
            self.day(),
            amount,
            bank_text,
            ledger_text,
            lag=self.lag(0, 1),
            bank_ref=quoted,
            ledger_ref=their_invoice,
        )

    def card_spend(self):
        rng = self.rng
        name, spellings = rng.choice(MERCHANTS)
        if name in {"Costa Coffee", "Pret A Manger"} and rng.random() < 0.7:
            amount = -Decimal(rng.choice(COFFEE_PRICES))
        else:
            amount = -self.amount(2, 400, round_share=0.05)
        day = self.day()
        spelled = rng.choice(spellings)
        style = rng.random()
        spent = START + datetime.timedelta(days=day)
        when = f"{spent.day:02d} {MONTH[spent.month - 1]}"
        if style < 0.4:
            bank_text = f"CARD PAYMENT TO {spelled} ON {when}"
        elif style < 0.7:
            bank_text = f"{spelled} CD {rng.choice(['4412', '8820'])}"
        else:
            bank_text = f"))) {spelled}"
        what = rng.choice(["materials", "stationery", "travel", "subsistence", "sundries"])
        ledger_text = rng.choice([name, f"{name} - {what}"])
        self.pair("card spend", day, amount, bank_text, ledger_text, lag=self.lag(1, 3))

    def card_takings(self):
        """The card processor pays out a day's takings, its fee netted off."""
        rng = self.rng
        processor, rate = rng.choice(
            [("STRIPE PAYMENTS UK", "1.4"), ("SUMUP PAYMENTS", "1.69"), ("SQUARE EUROPE", "1.75")]
        )
        gross = self.amount(40, 3000)
        fee = (
            gross * Decimal(rate) / 100 + (Decimal("0.20") if processor.startswith("STRIPE") else 0)
        ).quantize(Decimal("0.01"))
        day = self.day()
        b = self.line("bank", day + rng.randint(1, 3), gross - fee, processor)
        led = self.line("ledger", day, gross, f"Card takings {processor.split()[0].title()}")
        self.groups.append(([b], [led], "card takings, fee netted"))

    def cheque_deposit(self):
        """Cheques paid in together: one bank line, one ledger entry per cheque."""
        rng = self.rng
        size = rng.choices([2, 3, 4, 5], weights=[45, 30, 17, 8])[0]
        day = self.day()
        entries = []
        for _ in range(size):
            customer = rng.choice(self.customers)
            self.cheque += 1
            amount = self.amount(30, 3000, round_share=0.15)
            entries.append(
                self.line(
                    "ledger",
                    day - rng.randint(0, 3),
                    amount,
                    f"Cheque {customer}",
                    str(self.cheque),
                )
            )
        total = sum((e["amount"] for e in entries), Decimal(0))
        text = rng.choice(["PAYING IN", "COUNTER CREDIT", "CHEQUE DEPOSIT"])
        b = self.line(
            "bank", day + rng.randint(0, 3), total, f"{text} {rng.randint(100000, 999999)}"
        )
        self.groups.append(([b], entries, "batch deposit"))

    def payment_run(self):
        """A bulk BACS run: several supplier payments, one bank line."""
        rng = self.rng
        size = rng.choices([2, 3, 4, 5], weights=[40, 30, 20, 10])[0]
        day = self.day()
        entries = [
            self.line(
                "ledger",
                day,
                -self.amount(50, 4000, round_share=0.2),
                f"Payment {rng.choice(self.suppliers)}",
                f"PR{rng.randint(100, 999)}",
            )
            for _ in range(size)
        ]
        total = sum((e["amount"] for e in entries), Decimal(0))
        b = self.line(
            "bank", day + rng.randint(0, 2), total, f"BACS BULK PAYMENT {rng.randint(1000, 9999)}"
        )
        self.groups.append(([b], entries, "payment run"))

    def instalments(self):
        """An invoice the customer pays in two or three parts."""
        rng = self.rng
        customer = rng.choice(self.customers)
        self.invoice += 1
        reference = f"INV-{self.invoice}"
        total = self.amount(300, 9000)
        size = rng.choice([2, 2, 3])
        cents = int(total * 100)
        cuts = sorted(rng.sample(range(1, cents), size - 1))
        parts = [Decimal(b - a) / 100 for a, b in zip([0] + cuts, cuts + [cents], strict=True)]
        day = self.day()
        lines = [
            self.line(
                "bank",
                day + rng.randint(0, 5),
                part,
                f"{self.bank_name(customer)}",
                self.mangled(reference, str(self.invoice)),
            )
            for part in parts
        ]
        led = self.line("ledger", day, total, f"Receipt {reference} {customer}", reference)
        self.groups.append((lines, [led], "instalments"))

    def monthly(self):
        """Rent, salaries, subscriptions and the VAT and PAYE bills: equal amounts each month."""
        rng = self.rng
        for month_start in range(0, self.days, 30):
            for landlord, rent, day in self.landlords:
                self.pair(
                    "rent",
                    month_start + day,
                    -rent,
                    rng.choice([f"SO {self.bank_name(landlord)}", "STANDING ORDER"]),
                    f"Rent {landlord}",
                    lag=0,
                )
            for name, salary in self.staff:
                initial, surname = name[0], name.split()[1].upper()
                self.pair(
                    "salary",
                    month_start + 27,
                    -salary,
                    f"FPS {initial} {surname} SALARY",
                    f"Net pay {name}",
                    lag=rng.choice([0, 0, 1]),
                )
            for ledger_name, bank_text, amount, day in SUBSCRIPTIONS:
                if month_start + day < self.days:
                    self.pair(
                        "subscription",
                        month_start + day,
                        -Decimal(amount),
                        f"DD {bank_text}",
                        ledger_name,
                        lag=rng.choice([0, 1, 2]),
                    )
            paye = -self.amount(800, 4000)
            self.pair(
                "PAYE",
                month_start + 19,
                paye,
                "HMRC PAYE CUMBERNAULD",
                "PAYE and NI to HMRC",
                lag=rng.choice([0, 1, 2, 3]),
            )
            if month_start // 30 % 3 == 2:
                vat = -self.amount(1000, 9000)
                self.pair(
                    "VAT",
                    month_start + 7,
                    vat,
                    "HMRC VAT",
                    "VAT return HM Revenue & Customs",
                    lag=rng.choice([0, 1, 2, 3]),
                )

    def cash(self):
        amount = -Decimal(self.rng.choice(["50.00", "100.00", "100.00", "200.00", "250.00"]))
        self.pair(
            "cash",
            self.day(),
            amount,
            f"CASH WITHDRAWAL {self.rng.choice(['LLOYDS', 'NATWEST', 'CARDTRONICS'])}",
            "Cash drawings",
            lag=self.lag(0, 1),
        )

    def bank_only(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            text, (low, high) = rng.choice(CHARGES)
            amount = -self.amount(low, high)
            if text == "OVERDRAFT INTEREST" and rng.random() < 0.3:
                text, amount = "CREDIT INTEREST", -amount
            self.line("bank", self.day(), amount, text)
        elif roll < 0.75:
            name, spellings = rng.choice(MERCHANTS)
            self.line(
                "bank", self.day(), -self.amount(2, 300), f"CARD PAYMENT TO {rng.choice(spellings)}"
            )
        else:
            self.line(
                "bank",
                self.day(),
                self.amount(20, 3000, 0.2),
                f"FPS CREDIT {self.bank_name(rng.choice(self.customers))}",
            )

    def ledger_only(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            self.cheque += 1
            self.line(
                "ledger",
                self.day(),
                -self.amount(20, 3000, 0.2),
                f"Cheque {self.cheque} {rng.choice(self.suppliers)}",
                str(self.cheque),
            )
        elif roll < 0.7:
            self.line(
                "ledger",
                self.days - rng.randint(0, 3),
                -self.amount(20, 5000, 0.2),
                f"Payment {rng.choice(self.suppliers)}",
            )
        elif self.groups:
            # posted twice: the copy (either one, the books cannot say) has no bank line
            banks, entries, kind = rng.choice(self.groups)
            if len(entries) == 1 and len(banks) == 1:
                original = entries[0]
                copy = self.line(
                    "ledger", 0, original["amount"], original["text"], original["reference"]
                )
                copy["date"] = original["date"]
                if rng.random() < 0.5:
                    index = self.groups.index((banks, entries, kind))
                    self.groups[index] = (banks, [copy], kind)

    def build(self, n_bank: int):
        self.monthly()
        makers = [
            (self.receipt, 22),
            (self.supplier_payment, 16),
            (self.card_spend, 30),
            (self.card_takings, 6),
            (self.short_receipt, 1.5),
            (self.cheque_deposit, 2),
            (self.payment_run, 1.5),
            (self.instalments, 1.5),
            (self.cash, 2),
            (self.bank_only, 6),
            (self.ledger_only, 7),
        ]
        functions, weights = zip(*makers, strict=True)
        while len(self.bank) < n_bank:
            self.rng.choices(functions, weights)[0]()


def _abbreviate(word: str) -> str:
    """``MARKETPLACE`` as ``MKTPLACE``, ``JOINERY`` as ``JNRY``: consonants kept."""
    consonants = word[0] + "".join(c for c in word[1:] if c not in "AEIOU")
    return consonants[: max(4, len(consonants) - 1)]


def generate(n_bank: int, seed: int = 1):
    """``(bank, ledger, truth)``; see the module docstring."""
    builder = Builder(n_bank, seed)
    builder.build(n_bank)
    rng = builder.rng
    ids = {}
    for records, prefix in ((builder.bank, "B"), (builder.ledger, "L")):
        order = list(range(len(records)))
        rng.shuffle(order)
        for number, index in enumerate(order):
            ids[id(records[index])] = f"{prefix}{number + 1:06d}"
    bank = [
        Line(ids[id(r)], r["date"], r["amount"], r["text"], r["reference"]) for r in builder.bank
    ]
    ledger = [
        Line(ids[id(r)], r["date"], r["amount"], r["text"], r["reference"]) for r in builder.ledger
    ]
    rng.shuffle(bank)
    rng.shuffle(ledger)
    truth = {
        (frozenset(ids[id(r)] for r in banks), frozenset(ids[id(r)] for r in entries)): kind
        for banks, entries, kind in builder.groups
    }
    return bank, ledger, truth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bank, ledger, truth = generate(args.n, args.seed)
    matched_bank = sum(len(b) for b, _ in truth)
    matched_ledger = sum(len(entry) for _, entry in truth)
    print(f"{len(bank)} bank lines ({len(bank) - matched_bank} on the bank side only)")
    print(f"{len(ledger)} ledger entries ({len(ledger) - matched_ledger} on the ledger side only)")
    for kind, count in Counter(truth.values()).most_common():
        print(f"  {count:6d}  {kind}")


if __name__ == "__main__":
    main()
