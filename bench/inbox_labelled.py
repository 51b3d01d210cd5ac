"""A labelled routing set for the Smart Inbox (issue 12 §7: "routing on a labelled generated set
of 1,000 — at least 99 % right, and 0 filed to a wrong client at certain or high"). Pure
Python, importable (``bench/inbox.py`` uses it), and a script that prints the figures:

    .venv/bin/python bench/inbox_labelled.py [--n 1000] [--seed 7]

**The practice.** About 300 clients with UK names: limited companies, LLPs, sole traders
(some "t/a"), partnerships, clubs, and families of near-duplicates ("Kestrel Joinery Ltd",
"Kestrel Joinery (North) Ltd", "Kestrel Joinery Holdings Ltd") sharing a director and an email
domain. VAT numbers and IBANs have correct check digits (python-stdnum validates them), company
numbers the Companies House shapes (SC…, NI…, OC…), bank accounts real banks' sort code
ranges; two companies of a VAT group share a number. Contacts: one to three a client, at the
client's own domain or at webmail; directors of several companies are contacts of each (and a
few are recorded on one company only); group companies share a domain. Suppliers, shops and
banks that are not clients have valid identifiers of their own, and so does the practice,
whose signature comes back quoted in replies. Rules as triage would have taught them: exact
addresses of outside bookkeepers and assistants (one client, or several, with their true
record), client domains, a group's shared domain, and webmail domains taught by mistake.

**The messages.** Sent to a client's own address (live, within its 30 days' grace, or retired
longer ago: then the caller passes no address), from a client's contact (authenticated about
nine times in ten), from a director of several clients, from strangers (a new bookkeeper, a
personal address, the practice's own staff forwarding), from rule senders, and forged ones
(another address under a contact's display name; a contact's address with DMARC failing).
Attachments: bank statements (the account holder's sort code, account number and sometimes
IBAN; transactions that sometimes name another client, cut at 18 characters as banks do),
purchase invoices (the supplier's VAT number, company number and bank details — a supplier
that is sometimes another client), sales invoices (the client's own identifiers, sent to a
customer that is sometimes another client), receipts, payslips and P32s, letters. Noise:
identifiers written every usual way, some misread by OCR (no longer valid or no longer the
client's), names in capitals, cut short or mistyped, signatures carrying the sender's company
footer, quoted replies, forwarded mail, and a director's message carrying two companies'
documents routed one attachment at a time.

**The labels** are written from what the generator knows, not from the router. Each message
has a true owner (the client whose document it is; none for forged mail). The evidence the
issue's rules accept as strong is worked out from the facts written into the message: the
client's live address (certain), an authenticated sender that is a contact of exactly one
client, a rule right at least 3 times and 90 % of its uses, a VAT number, company number,
IBAN or sort code + account written intact (not misread) that belongs to one client. The
label is the true owner when it is the only client with strong evidence (or its address was
used), and None (triage is the right answer) when no client or two clients have strong
evidence ("prefer triage whenever two clients reach high"), or when the strong evidence
points at a client that is not the owner. An invoice between two clients is in both one's
sales and the other's purchases: it is labelled for its owner only when sent by someone
linked (contact, trusted rule) to the owner and not to the other party, else None. A message
whose strong evidence points at the wrong client while nothing in it is the owner's (its
name, an identifier that is not also the wrong client's) cannot be told by any router that
follows the issue's rules (a director recorded on one company only sending another's till
receipt; an outside bookkeeper with a trusted rule sending a receipt for another of her
clients; a director's signature with her main company's number on another company's
receipt): such messages are counted, printed and left out.

``score`` reports: right (``decide`` returned the label: the client, or None when the label is
None); filed wrong (``decide`` returned a client that is not the label: split into "filed
where the answer was triage" and "filed to another client"); triage with the labelled client
ranked first (not counted as right); and, given the true owners (``labelled_truths``),
filings to a client that is not the true owner. ``bench/inbox.py`` reads its keys.

Figures at the time of writing (seed 7, 1,000 messages): 99.7 % right, 0 filed wrong, 0
filed against the true owner; over seeds 7–26 (20,000 messages) 99.2–99.9 % right, and 0
filed wrong, 0 against the true owner on every seed. Each message's evidence carries the
attachment's own text apart from its covering message (``Evidence.document``), as the
pipeline gives it: a director's other company named only in her covering message then no
longer counts against the company whose identifiers are in the attachment. The misses left
are a receipt from a shop that is itself a client (the sender's only link is lowered because
the receipt names another client) and an unauthenticated contact of one client sending
another's sales invoice: both wait in triage with the labelled client ranked first.
"""

import argparse
import random
import statistics
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum import iban as stdnum_iban  # noqa: E402
from stdnum.gb import vat as gb_vat  # noqa: E402

from inbox.routing import ClientFacts, Evidence, Rule, decide, rank  # noqa: E402

# -- Vocabulary ----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = _words(
    """Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Khan Robinson Wright
Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Lewis Harris
Martin Cooper King Lee Allen Baker Turner Hill Scott Ward Morris Moore Young Carter Phillips
Mitchell Parker Cook Bennett Shaw Richardson Bailey Collins Murphy Kelly Singh Ahmed Hussain
O'Brien McDonald Campbell Stewart Anderson Reid Murray Fraser Grant Morgan Price Owen Lloyd
Jenkins Rees Kaur Nowak Kowalski Nguyen Chen Wong Okafor Mensah Adeyemi Rossi Fernandes Costa
Sharma Gupta Mistry Begum Chowdhury Rahman Doyle Byrne Quinn Gallagher Sutherland Henderson
Holloway Ashworth Pemberton Whitfield Fairbairn Lockhart Trevelyan Penhaligon Ellison Marsh
Barker Fletcher Hodgson Pickering Thornton Radcliffe Blackwood Greaves Kirkland Abbott Atkinson
Bates Bird Booth Bradley Brooks Burton Chambers Chapman Cole Cox Dawson Day Dixon Ellis Ferguson
Fisher Ford Foster Gibson Gordon Graham Gray Hamilton Harrison Hart Hayes Holmes Hopkins Howard
Hunt Hunter James Johnston Kennedy Knight Lane Lawrence Lowe Mason Matthews Mills Newman Palmer
Pearson Perry Porter Powell Reynolds Rogers Rose Russell Saunders Simpson Spencer Stevens Stone
Webb Wells West Wheeler Willis Woods Yates Akhtar Iqbal Malik Mahmood Bibi Islam Uddin Miah
Mohamed Osei Boateng Asante Eze Obi Okoro Zhang Liu Wang Huang Lin Kim Park Silva Santos Pereira
Oliveira Wojcik Lewandowski Kaminski Popescu Ionescu Horvat Novak Murphy Brennan Lynch Walsh
Ryan OConnor McCarthy Sweeney Dunne Nolan MacLeod MacKenzie Robertson Thomson Watt Ross
Duncan Cameron Paterson Hay Kerr Ritchie Bell Craig Gill Dhillon Sandhu Bains Virdi"""
)
FIRST_NAMES = _words(
    """James Oliver Harry Jack George Noah Charlie Jacob Thomas Oscar William Daniel
Samuel David Joseph Ravi Arjun Mohammed Tomasz Piotr Liam Connor Ewan Callum Rhys Dylan Amelia
Olivia Isla Emily Ava Lily Mia Sophie Grace Chloe Ella Priya Aisha Fatima Zara Niamh Siobhan
Eilidh Megan Bethan Hannah Lucy Sarah Rachel Claire Joanne Karen Helen Agnieszka Ngozi Mei
Adam Alex Andrew Anthony Ben Chris Dean Edward Gary Ian Jason Kevin Lee Mark Martin Matthew
Michael Neil Nick Paul Peter Richard Robert Scott Simon Stephen Steven Stuart Tom Tony Wayne
Adebayo Kwame Hamza Imran Bilal Yusuf Sanjay Vikram Wei Jun Marek Pawel Andrei Luca Marco
Alice Anna Caroline Charlotte Donna Elizabeth Emma Gemma Jane Jessica Julie Katie Kirsty Laura
Lisa Louise Michelle Natalie Nicola Rebecca Sam Stacey Susan Tracey Victoria Yasmin Amira Leila
Sana Nadia Anjali Deepa Ling Ewa Magdalena Ioana Chiara Ayesha Funmi Chidinma Roisin Orla"""
)
STEMS = _words(
    """Acme Apex Kestrel Brightwater Oakfield Riverside Northgate Greenleaf Bluebell Highland
Silverline Redwood Falcon Phoenix Summit Harbourside Meadowbank Willowbrook Ivydene Beacon
Castlegate Crownpoint Anchor Compass Horizon Lighthouse Orchard Quarryside Saxon Thistle
Vanguard Windmill Zenith Elmtree Birchwood Cedar Maplehurst Hawthorn Kingfisher Osprey Puffin
Swallowtail Wren Heron Badger Otterburn Foxglove Larkspur Juniper Hazelwood Ashcombe Blackthorn
Copperfield Driftwood Emberly Fernhill Goldcrest Hollybush Ironbridge Jubilee Keystone
Lindisfarne Marlowe Nettlebed Oakridge Pinewood Quayside Rosehill Stonebridge Tamarind
Umberleigh Valewood Wheatsheaf Yarrow Zephyr Amberley Bramble Cobalt Dunmore Everglade
Foxhall Granary Holmwood Inkwell Jasmine Kelvin Lowther Mulberry Norwood Oriel Pembury"""
)
PLACES = _words(
    """Bristol Leeds Mersey Thames Severn Pennine Cotswold Chiltern Solent Tyne Clyde Avon
Wessex Mercia Cheshire Kentish Devon Cornish Humber Wensleydale Fenland Medway"""
)
TRADES = [
    "Trading",
    "Plumbing",
    "Joinery",
    "Builders",
    "Electrical",
    "Consulting",
    "Design",
    "Bakery",
    "Dental Care",
    "Motors",
    "Lettings",
    "Logistics",
    "Landscapes",
    "Cleaning Services",
    "Catering",
    "Interiors",
    "Roofing",
    "Print",
    "Engineering",
    "Physiotherapy",
    "Florists",
    "Hair Studio",
    "Pharmacy",
    "Veterinary Practice",
    "Software",
    "IT Solutions",
    "Events",
    "Fitness",
    "Garden Centre",
    "Brewery",
    "Coffee House",
    "Tiling",
    "Scaffolding",
    "Opticians",
    "Kitchens",
    "Windows",
    "Removals",
    "Architects",
    "Photography",
    "Recruitment",
]
GENERIC_NAMES = [
    "Northern Property Services",
    "London Building Services",
    "Central Cleaning Services",
    "National Trade Supplies",
]
MERCHANTS = _words(
    """Tesco Sainsbury's Screwfix Toolstation Wickes Costa Shell BP Halfords Staples Ryman
Currys Trainline Pret Greggs Boots Waitrose Morrisons Lidl Aldi Argos Travelodge Esso"""
)
BANKS = [  # name, BIC bank code, sort code prefixes
    ("NatWest", "NWBK", ("60", "50", "51", "55", "56")),
    ("Barclays", "BARC", ("20",)),
    ("Lloyds Bank", "LOYD", ("30", "77")),
    ("HSBC UK", "HBUK", ("40",)),
    ("Santander", "ABBY", ("09",)),
    ("Nationwide", "NAIA", ("07",)),
    ("Metro Bank", "MYMB", ("23",)),
    ("Starling Bank", "SRLG", ("60",)),
    ("Monzo", "MONZ", ("04",)),
    ("TSB", "TSBS", ("87", "77")),
    ("Co-operative Bank", "CPBK", ("08",)),
]
WEBMAIL = ["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com"]
WEBMAIL += ["icloud.com", "aol.com", "sky.com", "googlemail.com", "live.co.uk"]
MONTHS = "January February March April May June July August September October November December"
MONTH_NAMES = MONTHS.split()

PRACTICE_NAME = "Harbour & Co Bookkeeping Ltd"
PRACTICE_DOMAIN = "harbourbookkeeping.co.uk"

RULE_MIN_RIGHT = 3  # the threshold for a rule that files
RULE_MIN_SHARE = 0.9


# -- Identifiers with correct check digits -------------------------------------------------


def _vat(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(1_000_000, 9_999_999))
        total = sum(w * int(d) for w, d in zip((8, 7, 6, 5, 4, 3, 2), body, strict=True))
        number = body + f"{(-total) % 97:02d}"
        if gb_vat.is_valid(number):
            return number


def _company_number(rng: random.Random, kind: str) -> str:
    if kind == "llp":
        return f"OC{rng.randint(300000, 449999)}"
    roll = rng.random()
    if roll < 0.10:
        return f"SC{rng.randint(100000, 799999)}"
    if roll < 0.13:
        return f"NI{rng.randint(600000, 699999)}"
    return f"{rng.randint(1_000_000, 15_999_999):08d}"


@dataclass(frozen=True)
class Account:
    bank: str
    bic: str
    sort_code: str
    number: str

    @property
    def iban(self) -> str:
        bban = self.bic + self.sort_code + self.number
        return "GB" + stdnum_iban.calc_check_digits("GB00" + bban) + bban


def _account(rng: random.Random) -> Account:
    bank, bic, prefixes = rng.choice(BANKS)
    sort_code = rng.choice(prefixes) + f"{rng.randint(0, 9999):04d}"
    return Account(bank, bic, sort_code, f"{rng.randint(10_000_000, 99_999_999)}")


# -- The practice --------------------------------------------------------------------------


@dataclass
class Entity:
    """A client, a supplier or the practice: what documents print about it."""

    id: int | None  # a client's id; None for others
    name: str
    vat: str = ""
    company: str = ""
    accounts: list[Account] = field(default_factory=list)
    domain: str = ""
    contacts: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    family: int | None = None


@dataclass
class Practice:
    clients: list[Entity]
    suppliers: list[Entity]
    practice: Entity
    rules: list[Rule]
    rule_senders: list[tuple[str, list[tuple[int, float]]]]  # sender → [(client, share)]
    directors: list[tuple[str, list[int]]]  # a director's address → the clients he is on
    hidden: list[tuple[str, int, int]]  # address recorded on one client, also directs another
    by_id: dict[int, Entity]
    seed: int

    def facts(self) -> list[ClientFacts]:
        """The clients as AtlasOS holds them (the same for a seed)."""
        rng = random.Random(f"formats-{self.seed}")
        return [_facts(client, rng) for client in self.clients]


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch in string.ascii_lowercase + string.digits)


def _facts(client: Entity, rng: random.Random) -> ClientFacts:
    """As a bookkeeper would have typed them into AtlasOS: any spacing, with or without GB."""
    vat = client.vat
    if vat:
        vat = rng.choice(
            [
                vat,
                "GB" + vat,
                f"GB {vat[:3]} {vat[3:7]} {vat[7:]}",
                f"{vat[:3]} {vat[3:7]} {vat[7:]}",
            ]
        )
    company = client.company
    if company.isdigit() and company.startswith("0") and rng.random() < 0.2:
        company = company.lstrip("0")
    ibans, pairs = [], []
    for account in client.accounts:
        roll = rng.random()
        if roll < 0.1:
            ibans.append(account.iban)
        else:
            pairs.append((account.sort_code, account.number))
            if roll > 0.7:
                ibans.append(account.iban)
    return ClientFacts(
        id=client.id,
        name=client.name,
        vat_number=vat,
        company_number=company,
        ibans=tuple(ibans),
        uk_accounts=tuple(pairs),
        contact_emails=tuple(sorted(set(client.contacts))),
    )


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)


def _email(rng: random.Random, first: str, last: str, domain: str | None) -> str:
    first, last = _slug(first), _slug(last)
    if domain:
        return (
            rng.choice([f"{first}.{last}", f"{first}", f"{first[0]}{last}", "accounts", "admin"])
            + "@"
            + domain
        )
    tail = rng.choice(["", str(rng.randint(1, 99)), str(rng.randint(1960, 1999))])
    return f"{first}{rng.choice(['.', '', '_'])}{last}{tail}@{rng.choice(WEBMAIL)}"


def build_practice(seed: int = 7, clients: int = 300) -> Practice:
    """The synthetic practice: the same for a seed whatever the number of messages."""
    rng = random.Random(f"practice-{seed}")
    used_names: set[str] = set()
    entities: list[Entity] = []

    def unique(name: str) -> bool:
        key = name.lower().replace(" ltd", "").replace(" limited", "")
        if key in used_names:
            return False
        used_names.add(key)
        return True

    def new_client(name: str, kind: str) -> Entity:
        client = Entity(id=1000 + len(entities), name=name)
        registered = kind in ("ltd", "llp")
        vat_share = {"ltd": 0.65, "llp": 0.7, "sole": 0.3, "partnership": 0.4, "club": 0.1}[kind]
        if rng.random() < vat_share:
            client.vat = _vat(rng)
        if registered:
            client.company = _company_number(rng, kind)
        if rng.random() < 0.88:
            client.accounts = [_account(rng) for _ in range(1 if rng.random() < 0.75 else 2)]
        own_domain = rng.random() < (0.6 if registered else 0.2)
        if own_domain:
            base = _slug(name.replace(" Ltd", "").replace(" LLP", "").replace(" Limited", ""))
            client.domain = base[:20] + rng.choice([".co.uk", ".com", "-ltd.co.uk", ".uk"])
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            first, last = _person(rng)
            client.people.append(f"{first} {last}")
            client.contacts.append(_email(rng, first, last, client.domain or None))
        entities.append(client)
        return client

    while len(entities) < clients:
        roll = rng.random()
        if roll < 0.50:
            kind = "ltd"
            pattern = rng.random()
            if pattern < 0.45:
                name = f"{rng.choice(STEMS)} {rng.choice(TRADES)}"
            elif pattern < 0.65:
                name = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
            elif pattern < 0.75:
                name = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
            elif pattern < 0.82:
                name = f"{rng.choice(SURNAMES)} & Sons"
            elif pattern < 0.92:
                name = f"{rng.choice(PLACES)} {rng.choice(TRADES)}"
            elif pattern < 0.97:
                name = rng.choice(STEMS)
            else:
                name = rng.choice(GENERIC_NAMES)
            name += rng.choice([" Ltd", " Ltd", " Limited"])
        elif roll < 0.55:
            kind = "llp"
            name = f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)} LLP"
        elif roll < 0.80:
            kind = "sole"
            first, last = _person(rng)
            name = f"{first} {last}"
            if rng.random() < 0.3:
                name += f" t/a {rng.choice([last, rng.choice(STEMS)])} {rng.choice(TRADES)}"
        elif roll < 0.87:
            kind = "partnership"
            name = f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
            if rng.random() < 0.5:
                name += f" {rng.choice(TRADES)}"
        elif roll < 0.90:
            kind = "club"
            place = rng.choice(PLACES + STEMS)
            clubs = ["Cricket Club", "Community Trust", "Rugby Club", "Allotment Society"]
            name = f"{place} {rng.choice(clubs)}"
        else:
            # A family: a company and one or two near-duplicates, one director, one domain.
            base = f"{rng.choice(STEMS)} {rng.choice(TRADES)}"
            if not unique(base):
                continue
            head = new_client(base + " Ltd", "ltd")
            head.family = head.id
            if not head.domain:
                head.domain = _slug(base)[:18] + ".co.uk"
            first, last = _person(rng)
            director = _email(rng, first, last, head.domain if rng.random() < 0.6 else None)
            head.contacts.append(director)
            head.people.append(f"{first} {last}")
            for suffix in rng.sample(
                ["(North)", "(South)", "Holdings", "Services", "(Scotland)"], rng.choice([1, 1, 2])
            ):
                member = new_client(f"{base} {suffix} Ltd", "ltd")
                member.family = head.id
                member.domain = head.domain
                member.contacts = [_email(rng, *_person(rng), head.domain), director]
                member.people.append(f"{first} {last}")
                if rng.random() < 0.1 and head.vat:  # a VAT group
                    member.vat = head.vat
            continue
        if unique(name):
            new_client(name, kind)
    entities = entities[:clients]
    by_id = {client.id: client for client in entities}

    # Directors of two or three unrelated companies, recorded on each.
    directors = []
    for _ in range(max(3, clients // 25)):
        group = rng.sample(entities, rng.choice([2, 2, 3]))
        first, last = _person(rng)
        address = _email(rng, first, last, None)
        for client in group:
            client.contacts.append(address)
            client.people.append(f"{first} {last}")
        directors.append((address, [client.id for client in group]))
    for client in entities:
        if client.family is not None:
            family = [c.id for c in entities if c.family == client.family]
            for address in client.contacts:
                if sum(address in by_id[i].contacts for i in family) > 1:
                    directors.append((address, [i for i in family if address in by_id[i].contacts]))
    directors = list({address: ids for address, ids in directors}.items())
    # Directors recorded on one company only, who also run another.
    hidden = []
    for client in rng.sample(entities, max(2, clients // 40)):
        other = rng.choice(entities)
        if other.id != client.id and client.contacts[0] not in other.contacts:
            hidden.append((client.contacts[0], client.id, other.id))

    # Suppliers, shops and the practice: not clients.
    suppliers = []
    client_names = {client.name.lower() for client in entities}
    while len(suppliers) < 200:
        stem = rng.choice(STEMS + SURNAMES + PLACES)
        name = f"{stem} {rng.choice(TRADES + ['Wholesale', 'Supplies', 'Timber', 'Hire'])} Ltd"
        if name.lower() in client_names:
            continue
        supplier = Entity(None, name, vat=_vat(rng), company=_company_number(rng, "ltd"))
        supplier.accounts = [_account(rng)]
        supplier.domain = _slug(name.replace(" Ltd", ""))[:18] + ".co.uk"
        suppliers.append(supplier)
    practice = Entity(None, PRACTICE_NAME, vat=_vat(rng), company=_company_number(rng, "ltd"))
    practice.accounts = [_account(rng)]
    practice.domain = PRACTICE_DOMAIN

    rules, rule_senders = _rules(rng, entities)
    return Practice(
        entities, suppliers, practice, rules, rule_senders, directors, hidden, by_id, seed
    )


def _rules(rng: random.Random, clients: list[Entity]) -> tuple[list[Rule], list]:
    """Rules with the record triage would have given them: a sender's true mix of clients
    drawn ``times_used`` times."""
    rules, senders = [], []

    def record(share: float) -> tuple[int, int]:
        used = rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45])
        right = sum(rng.random() < share for _ in range(used))
        return used, right

    taken: set[str] = set()
    # Outside bookkeepers and assistants for one client.
    for client in rng.sample(clients, 24):
        first, last = _person(rng)
        sender = (
            f"{_slug(first)}@{_slug(last)}-{rng.choice(['bookkeeping', 'admin', 'pa', 'va'])}.co.uk"
        )
        used, right = record(0.99)
        rules.append(Rule(sender, client.id, used, right))
        senders.append((sender, [(client.id, 1.0)]))
        taken.add(sender)
    # Outside bookkeepers for several clients: the rule names the one they send most for.
    for _ in range(6):
        group = rng.sample(clients, rng.choice([2, 3, 4]))
        shares = sorted((rng.random() + 0.3 for _ in group), reverse=True)
        total = sum(shares)
        mix = [(client.id, share / total) for client, share in zip(group, shares, strict=True)]
        first, last = _person(rng)
        sender = f"{_slug(first)}@{_slug(last)}books.co.uk"
        used, right = record(mix[0][1])
        rules.append(Rule(sender, mix[0][0], used, right))
        senders.append((sender, mix))
    # Client domains, taught when a new person there wrote.
    owned = [c for c in clients if c.domain and c.family is None]
    for client in rng.sample(owned, min(14, len(owned))):
        used, right = record(0.98)
        rules.append(Rule("@" + client.domain, client.id, used, right))
        senders.append(("@" + client.domain, [(client.id, 1.0)]))
    # A family's shared domain: the rule names one company, right as often as it is that one.
    families = {c.family for c in clients if c.family is not None}
    for family in rng.sample(sorted(families), min(4, len(families))):
        members = [c for c in clients if c.family == family]
        mix = [(c.id, 1 / len(members)) for c in members]
        used, right = record(mix[0][1])
        rules.append(Rule("@" + members[0].domain, members[0].id, used, right))
        senders.append(("@" + members[0].domain, mix))
    # Webmail domains taught by mistake (never applied), with fine records.
    for domain in ("gmail.com", "hotmail.co.uk"):
        rules.append(Rule("@" + domain, rng.choice(clients).id, 12, 12))
    return rules, senders


# -- Writing documents ---------------------------------------------------------------------


@dataclass
class Text:
    """A text being written, with what it carries: the clients whose identifiers were
    written intact, and the clients named."""

    practice: Practice
    rng: random.Random
    parts: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, key)
    named: set[int] = field(default_factory=set)
    parties: tuple[int, int] | None = None  # an invoice from one client to another

    def add(self, *lines: str) -> None:
        self.parts.extend(lines)

    def name(self, entity: Entity, style: str = "") -> str:
        name = entity.name
        style = style or self.rng.choice(["plain"] * 6 + ["upper", "short"])
        if style == "upper":
            name = name.upper()
        elif style == "short":
            for suffix in (" Ltd", " Limited", " LLP"):
                name = name.removesuffix(suffix)
        elif style == "bank":
            name = name.upper()[:18]
        elif style == "typo":
            name = _typo(self.rng, name)
        if entity.id is not None:
            self.named.add(entity.id)
        return name

    def _intact(self, kind: str, key: str, shown: str, entity: Entity, number: str = "") -> str:
        """``shown`` as printed; sometimes misread (OCR), then it no longer counts: one digit
        of ``number`` changes wherever it is printed (an account number inside an IBAN too)."""
        if self.rng.random() < 0.03:
            number = number or key
            if number in shown:
                return shown.replace(number, _misread(self.rng, number))
            return _misread(self.rng, shown)
        if entity.id is not None:
            self.identifiers.append((kind, key))
        return shown

    def vat(self, entity: Entity) -> str:
        v = entity.vat
        shown = self.rng.choice(
            [
                f"VAT Reg No: {v[:3]} {v[3:7]} {v[7:]}",
                f"VAT No. GB{v}",
                f"VAT Registration Number: GB {v[:3]} {v[3:7]} {v[7:]}",
                f"VAT: {v}",
                f"VAT number GB{v[:3]} {v[3:7]} {v[7:]}",
            ]
        )
        return self._intact("vat", v, shown, entity)

    def company(self, entity: Entity) -> str:
        c = entity.company
        short = c.lstrip("0") if c.isdigit() else c
        shown = self.rng.choice(
            [
                f"Registered in England and Wales No. {c}",
                f"Company No: {c}",
                f"Company Registration Number {c}",
                f"Registered number: {short}",
                f"Reg. No. {c}",
                f"Registered in England & Wales with company number {c}",
            ]
        )
        return self._intact("company", c, shown, entity, number=short if short in shown else c)

    def bank(self, entity: Entity, account: Account) -> str:
        s, n = account.sort_code, account.number
        dashed = f"{s[:2]}-{s[2:4]}-{s[4:]}"
        iban = account.iban
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        shown = self.rng.choice(
            [
                f"Sort code: {dashed}   Account number: {n}",
                f"Sort Code {s} Account No {n}",
                f"Account number {n}   Sort code {dashed}",
                f"Bank: {account.bank}, {dashed}, {n}",
                f"IBAN: {spaced}   BIC: {account.bic}GB2L",
                f"Sort code {dashed} / Acc {n} / IBAN {iban}",
            ]
        )
        return self._intact("account", s + n, shown, entity, number=n)

    def text(self) -> str:
        return "\n".join(self.parts)


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return name
    i = rng.choice(candidates)
    w = words[i]
    at = rng.randrange(1, len(w) - 1)
    words[i] = (
        w[:at] + w[at + 1 :] if rng.random() < 0.5 else w[:at] + w[at + 1] + w[at] + w[at + 2 :]
    )
    return " ".join(words)


def _misread(rng: random.Random, shown: str) -> str:
    digits = [i for i, ch in enumerate(shown) if ch.isdigit()]
    i = rng.choice(digits)
    wrong = rng.choice([d for d in "0123456789" if d != shown[i]])
    return shown[:i] + wrong + shown[i + 1 :]


def _date(rng: random.Random, month: int, year: int = 2026) -> str:
    day = rng.randint(1, 28)
    return rng.choice(
        [
            f"{day:02d}/{month:02d}/{year}",
            f"{day} {MONTH_NAMES[month - 1]} {year}",
            f"{day} {MONTH_NAMES[month - 1][:3]} {year}",
        ]
    )


def _letterhead(t: Text, entity: Entity, with_bank: bool) -> None:
    rng = t.rng
    t.add(
        t.name(entity, rng.choice(["plain", "upper"])),
        f"{rng.randint(1, 200)} High Street, {rng.choice(PLACES)}",
    )
    if entity.vat:
        t.add(t.vat(entity))
    if with_bank and entity.accounts:
        t.add("Please pay by bank transfer: " + t.bank(entity, rng.choice(entity.accounts)))
    if entity.company and rng.random() < 0.7:
        t.add(t.company(entity))


def bank_statement(t: Text, owner: Entity, month: int) -> None:
    rng = t.rng
    month_name = MONTH_NAMES[month - 1]
    account = rng.choice(owner.accounts)
    t.add(
        f"{account.bank}",
        rng.choice(
            ["Business Current Account statement", "Bank statement", "Your business account"]
        ),
    )
    t.add(f"Account name: {t.name(owner, rng.choice(['upper', 'plain']))}")
    t.add(t.bank(owner, account))
    last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    t.add(
        rng.choice(
            [
                f"Statement period 1 {month_name} 2026 to {last} {month_name} 2026",
                f"01/{month:02d}/2026 - {last}/{month:02d}/2026",
                f"Period ending {last} {MONTH_NAMES[month - 1][:3]} 2026",
            ]
        )
    )
    t.add(f"Balance brought forward {rng.randint(100, 90000)}.{rng.randint(0, 99):02d}")
    for _ in range(rng.randint(6, 30)):
        day = rng.randint(1, 28)
        roll = rng.random()
        if roll < 0.003:
            other = rng.choice([c for c in t.practice.clients if c.id != owner.id])
            what = f"FASTER PAYMENT {t.name(other, 'bank')}"
        elif roll < 0.4:
            what = f"CARD PAYMENT TO {rng.choice(MERCHANTS).upper()} {rng.randint(1000, 9999)}"
        elif roll < 0.6:
            supplier = rng.choice(t.practice.suppliers)
            what = f"DIRECT DEBIT {supplier.name.upper()[:18]}"
        elif roll < 0.8:
            what = (
                f"FASTER PAYMENT FROM {rng.choice(SURNAMES).upper()} {rng.choice(FIRST_NAMES)[0]}"
            )
        else:
            what = rng.choice(
                ["HMRC VAT", "HMRC PAYE", "BANK CHARGES", "INTEREST", "TRANSFER TO SAVINGS"]
            )
        t.add(
            f"{day:02d} {month_name[:3]}  {what}  {rng.randint(1, 4000)}.{rng.randint(0, 99):02d}"
        )
    t.add(f"Closing balance {rng.randint(100, 90000)}.{rng.randint(0, 99):02d}")


def invoice(t: Text, issuer: Entity, customer: Entity, month: int) -> None:
    rng = t.rng
    if issuer.id is not None and customer.id is not None:
        t.parties = (issuer.id, customer.id)
    _letterhead(t, issuer, with_bank=rng.random() < 0.8)
    t.add(
        rng.choice(["TAX INVOICE", "Invoice", "VAT invoice"]),
        f"Invoice number: INV-{rng.randint(1000, 99999)}",
    )
    t.add(f"Invoice date: {_date(rng, month)}")
    t.add(f"{rng.choice(['Invoice to', 'Bill to', 'Customer'])}: {t.name(customer)}")
    lines = ["Supply of materials", "Labour", "Consultancy", "Delivery", "Hire of equipment"]
    for _ in range(rng.randint(1, 5)):
        t.add(f"{rng.choice([*lines, 'Monthly service'])}  {rng.randint(10, 3000)}.00")
    t.add(f"Total due {rng.randint(50, 9000)}.{rng.randint(0, 99):02d}", "Payment terms: 30 days")


def receipt(t: Text, month: int, shop: Entity | None = None) -> None:
    rng = t.rng
    if shop is not None:
        _letterhead(t, shop, with_bank=False)
    else:
        t.add(rng.choice(MERCHANTS).upper(), f"VAT No. GB{_vat(rng)}")
    t.add(rng.choice(["Receipt", "Customer copy", "Card slip"]), f"Date {_date(rng, month)}")
    t.add(
        f"Total {rng.randint(1, 400)}.{rng.randint(0, 99):02d}",
        "Contactless",
        "Thank you for shopping with us",
    )


def payroll(t: Text, employer: Entity, month: int) -> None:
    rng = t.rng
    kind = rng.choice(["Payslip", "Payroll summary", "P32 Employer payment record"])
    t.add(
        kind,
        f"Employer: {t.name(employer)}",
        f"PAYE reference: {rng.randint(100, 999)}/{rng.choice(string.ascii_uppercase)}"
        f"{rng.randint(10000, 99999)}",
    )
    t.add(
        f"Pay period: {MONTH_NAMES[month - 1]} 2026",
        f"Net pay {rng.randint(800, 4000)}.00",
        "Tax code 1257L",
    )


def letter(t: Text, owner: Entity, month: int) -> None:
    rng = t.rng
    t.add(
        rng.choice(
            ["HM Revenue & Customs", "Companies House", "Business rates", "Insurance renewal"]
        )
    )
    t.add(f"Dear {rng.choice(owner.people)}", f"Re: {t.name(owner)}", f"Date: {_date(rng, month)}")
    if owner.company and rng.random() < 0.5:
        t.add(t.company(owner))
    t.add("Please keep this letter for your records.")


def signature(t: Text, person: str, company: Entity | None) -> None:
    t.add("", "Kind regards,", person)
    if company is not None:
        t.add(t.name(company, rng_choice(t.rng, ["plain", "plain", "short"])))
        if t.rng.random() < 0.4 and (company.company or company.vat):
            footer = [t.company(company)] if company.company else []
            if company.vat and t.rng.random() < 0.5:
                footer.append(t.vat(company))
            t.add(" | ".join(footer))


def rng_choice(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


def quoted_request(t: Text, client: Entity) -> None:
    """A reply quoting the practice's request: its signature and identifiers come back."""
    practice = t.practice.practice
    t.add(
        "",
        f"On 1 Dec 2026, {PRACTICE_NAME} <requests@{PRACTICE_DOMAIN}> wrote:",
        f"> Please send the documents for {t.name(client)} for this month.",
        f"> {practice.name}, Registered in England No. {practice.company}, VAT GB{practice.vat}",
    )


# -- Messages ------------------------------------------------------------------------------


@dataclass
class Message:
    evidence: Evidence
    owner: int | None  # whose document it truly is
    label: int | None
    scenario: str


DOC_KINDS = ["statement", "purchase", "sales", "receipt", "payroll", "letter"]
DOC_WEIGHTS = [30, 25, 15, 15, 8, 7]


def _document(t: Text, owner: Entity, kind: str, month: int) -> str:
    """Write the attachment's text; returns its kind (a statement without an account on
    file becomes a purchase invoice)."""
    practice, rng = t.practice, t.rng
    if kind == "statement" and not owner.accounts:
        kind = "purchase"
    if kind == "statement":
        bank_statement(t, owner, month)
    elif kind == "purchase":
        if rng.random() < 0.05:
            supplier = rng.choice([c for c in practice.clients if c.id != owner.id])
        else:
            supplier = rng.choice(practice.suppliers)
        invoice(t, supplier, owner, month)
    elif kind == "sales":
        if rng.random() < 0.06:
            customer = rng.choice([c for c in practice.clients if c.id != owner.id])
        else:
            customer = rng.choice(practice.suppliers)
        invoice(t, owner, customer, month)
    elif kind == "receipt":
        if rng.random() < 0.04:
            receipt(t, month, rng.choice([c for c in practice.clients if c.id != owner.id]))
        else:
            receipt(t, month)
    elif kind == "payroll":
        payroll(t, owner, month)
    else:
        letter(t, owner, month)
    return kind


_SUBJECTS = {
    "statement": ["{m} bank statement", "Statement", "Bank statement {m}", "statements"],
    "purchase": ["Invoice", "Fwd: Invoice INV-{n}", "Purchase invoices {m}", "bills"],
    "sales": ["Sales invoice", "Our invoice {n}", "Sales {m}"],
    "receipt": ["Receipt", "receipts", "Expenses {m}"],
    "payroll": ["Payroll {m}", "Payslips", "P32"],
    "letter": ["Letter", "Post", "Scan"],
}


def _body(t: Text, kind: str, owner: Entity | None, month: int, name_owner: bool) -> None:
    rng = t.rng
    m = MONTH_NAMES[month - 1]
    t.add(rng.choice(_SUBJECTS[kind]).format(m=m, n=rng.randint(100, 9999)))
    greeting = rng.choice(["Hi,", "Hello,", "Morning,", "Hi Sarah,", ""])
    line = rng.choice(
        [
            "Please find attached.",
            f"Attached is the {kind} for {m}.",
            "See attached, thanks.",
            "Here you go.",
        ]
    )
    if name_owner and owner is not None:
        style = "typo" if rng.random() < 0.05 else ""
        line = rng.choice(
            [
                f"Attached for {t.name(owner, style)}.",
                f"{t.name(owner, style)} - {kind} for {m} attached.",
            ]
        )
    t.add(greeting, line)


def _director_name(practice: Practice, address: str, group: list[int]) -> str:
    """The person behind a director's address: the name all of the group's clients share."""
    shared = set.intersection(*(set(practice.by_id[i].people) for i in group))
    return sorted(shared)[0] if shared else practice.by_id[group[0]].people[0]


def _director_signature(practice: Practice, address: str, group: list[int]):
    """A director writing from one address for several companies has one signature: her
    name, and her main company's (with its footer, sometimes), or none, whichever company's
    documents she sends."""
    main = practice.by_id[group[0]] if random.Random(address).random() < 0.6 else None
    return _director_name(practice, address, group), main


def labelled_messages(practice: Practice, n: int, seed: int) -> tuple[list[Message], Counter]:
    rng = random.Random(f"messages-{seed}-{n}")
    clients = practice.clients
    left_out: Counter = Counter()
    messages: list[Message] = []
    contacts_of: dict[str, set[int]] = {}
    for client in clients:
        for address in client.contacts:
            contacts_of.setdefault(address.lower(), set()).add(client.id)
    owners_of: dict[tuple[str, str], set[int]] = {}
    for client in clients:
        if client.vat:
            owners_of.setdefault(("vat", client.vat), set()).add(client.id)
        if client.company:
            owners_of.setdefault(("company", client.company), set()).add(client.id)
        for account in client.accounts:
            owners_of.setdefault(("account", account.sort_code + account.number), set()).add(
                client.id
            )
    rules_by_pattern = {rule.pattern: rule for rule in practice.rules}
    directors = dict(practice.directors)

    scenarios = [
        ("own address", 26),
        ("own address, retired within 30 days", 2),
        ("contact", 30),
        ("director of several", 8),
        ("stranger", 11),
        ("rule sender", 8),
        ("retired address, past 30 days", 2),
        ("forged", 4),
        ("director recorded on one company", 2),
        ("one attachment of several", 7),
    ]
    names, weights = zip(*scenarios, strict=True)

    while len(messages) < n:
        scenario = rng.choices(names, weights)[0]
        month = rng.randint(1, 12)
        t = Text(practice, rng)
        owner = rng.choice(clients)
        kind = rng.choices(DOC_KINDS, DOC_WEIGHTS)[0]
        address = None
        authenticated = rng.random() < 0.88
        sender = ""
        signer: tuple[str, Entity | None] = (rng.choice(owner.people), owner)
        attachment: Text | None = None

        if scenario.startswith("own address"):
            address = owner.id
            sender = (
                rng.choice(owner.contacts)
                if rng.random() < 0.7
                else _email(rng, *_person(rng), None)
            )
        elif scenario == "contact" or scenario == "retired address, past 30 days":
            sender = rng.choice(owner.contacts)
            if sender in directors:
                signer = _director_signature(practice, sender, directors[sender])
        elif scenario == "director of several":
            sender, group = rng.choice(practice.directors)
            owner = practice.by_id[rng.choice(group)]
            signer = _director_signature(practice, sender, group)
        elif scenario == "director recorded on one company":
            sender, recorded, other = rng.choice(practice.hidden)
            owner = practice.by_id[other]
            signer = (
                rng.choice(practice.by_id[recorded].people),
                practice.by_id[recorded] if rng.random() < 0.5 else None,
            )
        elif scenario == "stranger":
            roll = rng.random()
            if roll < 0.65:  # a new bookkeeper, a personal address
                first, last = _person(rng)
                sender = _email(
                    rng, first, last, owner.domain if owner.domain and rng.random() < 0.5 else None
                )
                signer = (f"{first} {last}", owner if rng.random() < 0.5 else None)
            else:  # the practice's own staff forwarding what a client sent
                first, last = _person(rng)
                sender = f"{_slug(first)}@{PRACTICE_DOMAIN}"
                signer = (f"{first} {last}", practice.practice)
                t.add(
                    "---------- Forwarded message ---------",
                    f"From: {rng.choice(owner.people)} <{rng.choice(owner.contacts)}>",
                )
        elif scenario == "rule sender":
            pattern, mix = rng.choice(practice.rule_senders)
            ids, shares = zip(*mix, strict=True)
            owner = practice.by_id[rng.choices(ids, shares)[0]]
            if pattern.startswith("@"):
                first, last = _person(rng)
                sender = f"{_slug(first)}.{_slug(last)}{pattern}"
                signer = (f"{first} {last}", owner)
            else:
                sender = pattern
                signer = (sender.split("@")[0].title(), None)
        elif scenario == "forged":
            victim = owner
            owner = None
            authenticated = False
            if rng.random() < 0.5:
                local = rng.choice(["billing", "invoice", "noreply"])
                domain = rng.choice(["secure-docs.net", "mail-invoices.com", "doc-share.org"])
                sender = f"{local}@{domain}"
            else:
                sender = rng.choice(victim.contacts)
            t.add(
                rng.choice(
                    ["Overdue invoice", "Payment details changed", "Document shared with you"]
                )
            )
            t.add(
                f"Hi, please see the attached for {t.name(victim)} and pay today.",
                "Regards,",
                rng.choice(victim.people),
            )
            evidence = Evidence(None, sender.lower(), False, t.text())
            facts = (contacts_of, owners_of, rules_by_pattern)
            message = _labelled(evidence, None, t, facts, scenario, left_out)
            if message:
                messages.append(message)
            continue

        if scenario == "retired address, past 30 days":
            address = None

        if scenario == "one attachment of several":
            # A director sends two companies' documents; each attachment is routed with the
            # subject and body.
            sender, group = rng.choice(practice.directors)
            owner = practice.by_id[rng.choice(group)]
            other = practice.by_id[rng.choice([i for i in group if i != owner.id])]
            t.add(
                "Statements and invoices for "
                + rng.choice(["both companies", "the companies", "this month"])
            )
            if rng.random() < 0.5:
                t.add(f"Attached: {t.name(owner)} and {t.name(other)}.")
            signature(t, _director_name(practice, sender, group), None)
            attachment = Text(practice, rng)
            _document(attachment, owner, kind, month)
        elif scenario == "director of several" and rng.random() < 0.15:
            # An invoice between two of the director's companies (a management charge): the
            # issuer's sales invoice and the customer's purchase invoice, sent for either.
            issuer, customer = (practice.by_id[i] for i in rng.sample(group, 2))
            kind = "sales" if owner.id == issuer.id else "purchase"
            if owner.id not in (issuer.id, customer.id):
                owner = rng.choice([issuer, customer])
                kind = "sales" if owner is issuer else "purchase"
            _body(t, kind, owner, month, name_owner=rng.random() < 0.4)
            if rng.random() < 0.8:
                signature(t, *signer)
            attachment = Text(practice, rng)
            invoice(attachment, issuer, customer, month)
            attachment.add("Management charge between group companies")
        else:
            _body(t, kind, owner, month, name_owner=rng.random() < 0.4)
            if rng.random() < 0.8:
                signature(t, *signer)
            if rng.random() < 0.2 and owner is not None:
                quoted_request(t, owner)
            attachment = Text(practice, rng)
            _document(attachment, owner, kind, month)

        t.parts.extend(attachment.parts)
        t.identifiers.extend(attachment.identifiers)
        t.named |= attachment.named
        t.parties = attachment.parties
        evidence = Evidence(
            address, sender.lower(), authenticated, t.text(), document=attachment.text()
        )
        facts = (contacts_of, owners_of, rules_by_pattern)
        message = _labelled(evidence, owner.id, t, facts, scenario, left_out)
        if message:
            messages.append(message)
    return messages, left_out


def _labelled(evidence, owner, t, facts, scenario, left_out) -> Message | None:
    """The label, from the facts written (see the module's docstring); None for a message
    left out (no router following the issue's rules could tell)."""
    contacts_of, owners_of, rules_by_pattern = facts
    if evidence.address_client_id is not None:
        return Message(evidence, owner, owner, scenario)
    strong: set[int] = set()
    contacts = contacts_of.get(evidence.sender, set())
    if len(contacts) == 1 and evidence.authenticated:
        strong |= contacts
    rule = rules_by_pattern.get(evidence.sender)
    domain = evidence.sender.rpartition("@")[2]
    if rule is None and domain not in WEBMAIL:
        rule = rules_by_pattern.get("@" + domain)
    trusted = False
    if rule is not None:
        share = rule.times_right / rule.times_used if rule.times_used else 0
        trusted = rule.times_right >= RULE_MIN_RIGHT and share >= RULE_MIN_SHARE
        if trusted:
            strong.add(rule.client_id)
    by_identifier = set()
    for key in set(t.identifiers):
        owners = owners_of.get(key, set())
        if len(owners) == 1:
            by_identifier |= owners
    strong |= by_identifier
    if t.parties:
        # An invoice between two clients is in both one's sales and the other's purchases: it
        # is the copy of the party whose person sent it; when that cannot be told (a stranger,
        # a director of both), a person decides.
        linked = set(contacts) | ({rule.client_id} if rule is not None and trusted else set())
        if owner not in linked or linked & (set(t.parties) - {owner}):
            return Message(evidence, owner, None, scenario)
    if len(strong) == 1 and owner not in strong:
        # Something in the text that is the owner's and not the wrongly pointed-at client's.
        owner_shows = owner is not None and (
            owner in t.named
            or any(
                owner in owners_of.get(key, ()) and not strong & owners_of[key]
                for key in t.identifiers
            )
        )
        if not owner_shows:
            left_out[scenario] += 1
            return None
    label = owner if strong == {owner} else None
    return Message(evidence, owner, label, scenario)


# -- The public face -----------------------------------------------------------------------


def labelled_set(
    n: int = 1000, seed: int = 7
) -> tuple[list[ClientFacts], list[tuple[Evidence, int | None]]]:
    """The practice's clients and n messages with the client each should be filed to, or
    None where triage is the right answer. The rules are ``labelled_rules(seed)``."""
    practice = build_practice(seed)
    messages, _ = labelled_messages(practice, n, seed)
    return practice.facts(), [(m.evidence, m.label) for m in messages]


def labelled_rules(seed: int = 7) -> list[Rule]:
    """The rules of the practice ``labelled_set`` uses (the same for a seed)."""
    return build_practice(seed).rules


def labelled_truths(n: int = 1000, seed: int = 7) -> list[int | None]:
    """The true owner of each of ``labelled_set(n, seed)``'s messages (None for forged
    mail), to count filings that went to another client."""
    messages, _ = labelled_messages(build_practice(seed), n, seed)
    return [m.owner for m in messages]


def score(pairs, clients, rules, truths=None) -> dict:
    """The figures for routing ``pairs`` (see the module's docstring)."""
    right = filed_wrong = filed_not_triage = filed_other = triage = triage_first = 0
    against_truth = 0
    levels: Counter = Counter()
    for i, (evidence, expected) in enumerate(pairs):
        candidates = rank(evidence, clients, rules)
        chosen = decide(candidates)
        got = chosen.client_id if chosen else None
        if chosen:
            levels[chosen.level.label] += 1
        if got == expected:
            right += 1
        elif got is not None:
            filed_wrong += 1
            if expected is None:
                filed_not_triage += 1
            else:
                filed_other += 1
        if got is None:
            triage += 1
            if expected is not None and candidates and candidates[0].client_id == expected:
                triage_first += 1
        if truths is not None and got is not None and got != truths[i]:
            against_truth += 1
    total = len(pairs)
    result = {
        "messages": total,
        "right": right,
        "right %": round(100 * right / total, 2) if total else 0.0,
        "filed wrong (certain/high)": filed_wrong,
        "  of which filed where triage was the answer": filed_not_triage,
        "  of which filed to another client": filed_other,
        "filed": total - triage,
        "filed by level": dict(levels),
        "triage": triage,
        "triage, labelled client ranked first (not counted right)": triage_first,
        "labelled triage": sum(1 for _, expected in pairs if expected is None),
    }
    if truths is not None:
        result["filed to a client that is not the true owner"] = against_truth
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    practice = build_practice(args.seed)
    messages, left_out = labelled_messages(practice, args.n, args.seed)
    clients = practice.facts()
    pairs = [(m.evidence, m.label) for m in messages]
    built = time.perf_counter() - started
    print(
        f"practice: {len(clients)} clients, {len(practice.rules)} rules; "
        f"{len(pairs)} messages generated in {built:.2f} s"
    )
    print(
        "left out (no router following the issue's rules could tell): "
        f"{sum(left_out.values())} {dict(left_out)}"
    )
    print("scenarios:", dict(Counter(m.scenario for m in messages)))
    figures = score(pairs, clients, practice.rules, [m.owner for m in messages])
    for key, value in figures.items():
        print(f"{key}: {value}")
    times = []
    for evidence, _ in pairs:
        t0 = time.perf_counter()
        decide(rank(evidence, clients, practice.rules))
        times.append(time.perf_counter() - t0)
    print(
        f"routing time per message: median {statistics.median(times) * 1000:.2f} ms, "
        f"90th percentile {sorted(times)[int(len(times) * 0.9)] * 1000:.2f} ms, "
        f"mean {statistics.mean(times) * 1000:.2f} ms"
    )
    # Where it went wrong or to triage against the label, by scenario.
    misses: Counter = Counter()
    for m in messages:
        chosen = decide(rank(m.evidence, clients, practice.rules))
        got = chosen.client_id if chosen else None
        if got != m.label:
            misses[(m.scenario, "filed" if got else "triage")] += 1
    print("not right, by scenario:", dict(misses))


if __name__ == "__main__":
    main()
