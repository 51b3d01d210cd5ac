"""The demo practice: a team of five and N realistic clients, mid-flight in the monthly cycle on
whatever day it is seeded, deterministic for a given name and day.

Later issues extend ``seed_practice`` so that every feature has demo data.
"""

import random
import re
import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from schwifty import IBAN

from atlasos import clock
from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.choices import AccountingSystem, EntityType, PayrollFrequency, VatFrequency
from clients.models import BankAccount, Client, ClientContact, ClientTag, Contact, Tag
from demo.alerts import seed_overdue_alerts, settle_notifications
from demo.cycle_history import seed_cycle
from demo.inbox_story import seed_inbox
from demo.portal_story import portal_clients, seed_portal, untouched_packs
from demo.reconciliation_story import seed_reconciliations
from demo.reporting_story import seed_review, seed_trial_balances

User = get_user_model()

TEAM = [
    ("Helen Marsh", Role.PARTNER),
    ("David Okafor", Role.PARTNER),
    ("Priya Shah", Role.MANAGER),
    ("Tom Reilly", Role.STAFF),
    ("Grace Lin", Role.STAFF),
]
NAME_FIRST = [
    "Harbour",
    "Anchor",
    "Beacon",
    "Bramble",
    "Castle",
    "Cedar",
    "Copper",
    "Crown",
    "Elm",
    "Falcon",
    "Fern",
    "Granite",
    "Heron",
    "Hollow",
    "Iron",
    "Juniper",
    "Kestrel",
    "Lantern",
    "Larch",
    "Maple",
    "Meadow",
    "Mill",
    "North",
    "Oak",
    "Orchard",
    "Otter",
    "Pebble",
    "Pine",
    "Quarry",
    "Raven",
    "River",
    "Rowan",
    "Saffron",
    "Silver",
    "Slate",
    "Stone",
    "Summit",
    "Swan",
    "Thistle",
    "Tide",
    "Willow",
    "Wren",
    "Yew",
    "Aspen",
    "Birch",
    "Clover",
    "Dale",
    "Ember",
    "Foxglove",
    "Glen",
    "Harrow",
    "Ivy",
    "Kingfisher",
    "Linden",
    "Moor",
]
NAME_SECOND = [
    "Bakery",
    "Builders",
    "Dental",
    "Design",
    "Electrical",
    "Engineering",
    "Farm",
    "Florists",
    "Garage",
    "Joinery",
    "Kitchens",
    "Landscapes",
    "Logistics",
    "Media",
    "Motors",
    "Opticians",
    "Pharmacy",
    "Plumbing",
    "Print",
    "Properties",
    "Roofing",
    "Software",
    "Studio",
    "Surveyors",
    "Tailoring",
    "Travel",
    "Veterinary",
    "Vineyards",
    "Wholesale",
    "Yoga",
    "Coffee",
    "Consulting",
    "Brewing",
    "Cleaning",
    "Catering",
    "Signs",
    "Scaffolding",
    "Removals",
    "Interiors",
    "Analytics",
]
PEOPLE_FIRST = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Harry",
    "Mia",
    "Jack",
    "Sophie",
    "Noah",
    "Grace",
    "Leo",
    "Lily",
    "Oscar",
    "Freya",
    "Arthur",
    "Evie",
    "Henry",
    "Ruby",
    "Alfie",
    "Chloe",
    "Theo",
    "Ella",
    "Finley",
    "Rosie",
    "Samuel",
    "Imogen",
    "Daniel",
    "Hannah",
    "Ryan",
]
PEOPLE_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Robinson",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Hughes",
    "Edwards",
    "Turner",
    "Baker",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Campbell",
    "Kelly",
    "Murphy",
    "Reid",
    "Bell",
]
BANKS = ["Barclays", "HSBC UK", "Lloyds Bank", "NatWest", "Santander UK", "Starling", "Monzo"]
TAGS = ["retail", "hospitality", "construction", "VAT cash scheme", "CIS", "e-commerce", "new"]
ENTITY_WEIGHTS = [
    (EntityType.LIMITED_COMPANY, 60),
    (EntityType.SOLE_TRADER, 15),
    (EntityType.PARTNERSHIP, 6),
    (EntityType.LLP, 5),
    (EntityType.TRUST, 3),
    (EntityType.CHARITY, 5),
    (EntityType.INDIVIDUAL, 6),
]
SUFFIX = {
    EntityType.LIMITED_COMPANY: " Ltd",
    EntityType.LLP: " LLP",
    EntityType.PARTNERSHIP: " & Co",
    EntityType.TRUST: " Trust",
    EntityType.CHARITY: " Foundation",
}


@dataclass
class SeedResult:
    practice: Practice
    created: bool
    seconds: float
    clients: int


def slugify_domain(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "practice"


def seed_practice(
    *,
    name: str,
    email: str,
    password: str,
    clients: int,
    history: int = 12,
    portal_email: str = "",
    portal_password: str = "",
) -> SeedResult:
    """Create the practice with its team and clients, their packs as of now (the newest
    period the recurrence has made and ``history`` before it), the portal contact's story when
    ``portal_email`` is given and with it the inbox's mail of the last hours, and the bell; a
    second run for the same practice changes nothing."""
    started = time.perf_counter()
    existing = Practice.objects.filter(name=name).first()
    if existing is not None:
        return SeedResult(existing, False, time.perf_counter() - started, 0)
    email = email.strip().lower()
    portal_email = portal_email.strip().lower()
    for address in filter(None, (email, portal_email)):
        if User.objects.filter(email__iexact=address).exists():
            raise ValueError(f"{address} already has an account in another practice.")
    if portal_email == email:
        raise ValueError("The portal contact needs an email address of their own.")
    rng = random.Random(name)
    with transaction.atomic():
        practice = Practice.objects.create(name=name)
        with practice_context(practice.pk):
            team = _seed_team(practice, email, password)
            seeded = _seed_clients(rng, team, clients)
            now = clock.now()
            demo, others = portal_clients(seeded) if portal_email else ([], [])
            cycle = seed_cycle(
                rng, practice, seeded, now, history=history, forced=untouched_packs(demo, others)
            )
            # Fourteen months of trial balances for the portal contact's company and a client on
            # each accounting system, her company's budget, payroll and VAT return: before the
            # portal's story, whose deliveries of her company's packs render them.
            seed_trial_balances(
                practice, clients=seeded, newest=cycle.newest, user=team[0], demo=demo
            )
            seed_portal(
                practice,
                team[0],
                cycle,
                now,
                email=portal_email,
                password=portal_password,
                demo=demo,
                others=others,
            )
            # With the portal, the inbox: mail of the last hours, filed, in triage or ignored.
            seed_inbox(practice, now, clients=seeded, period=cycle.newest, demo=demo, others=others)
            # Last month's bank reconciliations: one signed off, one half way, one not started.
            seed_reconciliations(
                practice, now, clients=seeded, cycle=cycle, demo=demo, others=others
            )
            # Her company's pack of last month rendered, and a query in her portal.
            seed_review(now, newest=cycle.newest, user=team[0], reviewer=team[2], demo=demo)
            # The bell: today's overdue alerts and the older ones already read, none emailed.
            seed_overdue_alerts(practice, now)
            settle_notifications(now)
    return SeedResult(practice, True, time.perf_counter() - started, clients)


def _seed_team(practice: Practice, email: str, password: str) -> list:
    hashed = make_password(password)
    domain = f"{slugify_domain(practice.name)}.example.com"
    users = []
    for index, (full_name, role) in enumerate(TEAM):
        address = email if index == 0 else f"{full_name.lower().replace(' ', '.')}@{domain}"
        users.append(
            User(email=address, full_name=full_name, role=role, practice=practice, password=hashed)
        )
    User.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    return users


def _company_number(rng: random.Random) -> str:
    prefix = rng.choice(["", "", "", "SC", "NI"])
    digits = 6 if prefix else 8
    return prefix + "".join(rng.choice("0123456789") for _ in range(digits))


def _seed_clients(rng: random.Random, team: list, count: int) -> list[Client]:
    preparers = [u for u in team if u.role in (Role.STAFF, Role.MANAGER)]
    reviewers = [u for u in team if u.role in (Role.PARTNER, Role.MANAGER)]
    types, weights = zip(*ENTITY_WEIGHTS, strict=True)
    tags = Tag.objects.bulk_create([Tag(name=t) for t in TAGS])
    clients, used_codes, used_names = [], set(), set()
    for index in range(count):
        entity_type = rng.choices(types, weights)[0]
        if entity_type in (EntityType.SOLE_TRADER, EntityType.INDIVIDUAL):
            base = f"{rng.choice(PEOPLE_FIRST)} {rng.choice(PEOPLE_LAST)}"
            if entity_type == EntityType.SOLE_TRADER:
                base += f" t/a {rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)}"
        else:
            base = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)}"
        client_name = base + SUFFIX.get(entity_type, "")
        if client_name in used_names:
            client_name = f"{base} ({index + 1}){SUFFIX.get(entity_type, '')}"
        used_names.add(client_name)
        stem = re.sub(r"[^A-Z]", "", client_name.upper())[:4] or "CL"
        code = f"{stem}{index + 1:02d}"
        while code in used_codes:
            code += "X"
        used_codes.add(code)
        company = entity_type in (
            EntityType.LIMITED_COMPANY,
            EntityType.LLP,
            EntityType.CHARITY,
        )
        vat = rng.random() < 0.65
        clients.append(
            Client(
                name=client_name,
                short_code=code,
                entity_type=entity_type,
                company_number=_company_number(rng) if company else "",
                vat_number=f"GB{rng.randrange(100000000, 999999999)}" if vat else "",
                vat_frequency=rng.choice(
                    [VatFrequency.QUARTERLY] * 6 + [VatFrequency.MONTHLY, VatFrequency.ANNUAL]
                )
                if vat
                else VatFrequency.NONE,
                payroll_frequency=rng.choice(
                    [PayrollFrequency.MONTHLY] * 3
                    + [PayrollFrequency.WEEKLY, PayrollFrequency.NONE] * 2
                ),
                year_end_month=(month := rng.choice([3, 3, 3, 12, 12, 6, 9, 4])),
                year_end_day={3: 31, 12: 31, 6: 30, 9: 30, 4: 5}[month],
                accounting_system=rng.choice(
                    [AccountingSystem.XERO] * 5
                    + [AccountingSystem.QUICKBOOKS] * 2
                    + [AccountingSystem.SAGE, AccountingSystem.FREEAGENT]
                ),
                currency="GBP",
                preparer=(preparer := rng.choice(preparers)),
                # Review is by someone other than the preparer (a manager can be either).
                reviewer=rng.choice([u for u in reviewers if u is not preparer]),
                notes="",
            )
        )
    Client.objects.bulk_create(clients, batch_size=1000)

    client_tags = [
        ClientTag(client=c, tag=t)
        for c in clients
        for t in rng.sample(tags, k=rng.choice([0, 0, 1, 1, 2]))
    ]
    ClientTag.objects.bulk_create(client_tags, batch_size=2000)

    contacts, links, directors = [], [], []
    for client in clients:
        first, last = rng.choice(PEOPLE_FIRST), rng.choice(PEOPLE_LAST)
        if directors and rng.random() < 0.12:
            contact = rng.choice(directors)  # one director, several companies
        else:
            contact = Contact(
                name=f"{first} {last}",
                email=f"{first}.{last}.{len(contacts) + 1}@{client.short_code}.example.com".lower(),
                phone=f"07{rng.randrange(100000000, 999999999)}",
            )
            contacts.append(contact)
            if client.entity_type == EntityType.LIMITED_COMPANY:
                directors.append(contact)
        links.append(
            (
                client,
                contact,
                "Director" if client.entity_type == EntityType.LIMITED_COMPANY else "Owner",
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    ClientContact.objects.bulk_create(
        [ClientContact(client=c, contact=p, position=pos) for c, p, pos in links], batch_size=2000
    )

    accounts = []
    for client in clients:
        bank = rng.choice(BANKS)
        accounts.append(
            BankAccount(
                client=client,
                name="Business Current Account",
                bank_name=bank,
                sort_code=f"{rng.randrange(10, 99)}{rng.randrange(10, 99)}{rng.randrange(10, 99)}",
                account_number=f"{rng.randrange(10000000, 99999999)}",
                currency="GBP",
            )
        )
        if rng.random() < 0.3:
            accounts.append(
                BankAccount(
                    client=client,
                    name="Business Savings",
                    bank_name=bank,
                    sort_code=accounts[-1].sort_code,
                    account_number=f"{rng.randrange(10000000, 99999999)}",
                    currency="GBP",
                )
            )
        if rng.random() < 0.08:
            accounts.append(
                BankAccount(
                    client=client,
                    name="Euro Account",
                    bank_name="Deutsche Bank",
                    iban=str(
                        IBAN.generate(
                            "DE",
                            bank_code="37040044",
                            account_code=f"{rng.randrange(10**9, 10**10)}",
                        )
                    ).replace(" ", ""),
                    currency="EUR",
                )
            )
    BankAccount.objects.bulk_create(accounts, batch_size=2000)
    return clients
