"""What the router knows of the practice: its clients' identifiers and contacts, and the rules
triage taught. Read in a fixed number of queries, whatever the number of clients."""

from collections import defaultdict

from clients.models import BankAccount, Client, ClientContact
from inbox.models import RoutingRule
from inbox.routing import ClientFacts, Rule


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def client_facts() -> list[ClientFacts]:
    """Every client of the practice in context that mail may be filed to (archived ones too:
    a late statement for an archived client still belongs to it). Three queries of plain
    values: building model instances for every client, account and contact cost more than
    the routing itself (bench/inbox.py)."""
    accounts = defaultdict(list)
    for client_id, sort_code, number, iban in BankAccount.objects.values_list(
        "client_id", "sort_code", "account_number", "iban"
    ):
        accounts[client_id].append((sort_code, number, iban))
    emails = defaultdict(set)
    for client_id, email in ClientContact.objects.values_list("client_id", "contact__email"):
        if email:
            emails[client_id].add(email.strip().lower())
    facts = []
    for pk, name, vat_number, company_number in Client.objects.values_list(
        "pk", "name", "vat_number", "company_number"
    ):
        mine = accounts[pk]
        facts.append(
            ClientFacts(
                id=pk,
                name=name,
                vat_number=vat_number or "",
                company_number=company_number or "",
                ibans=tuple(iban.replace(" ", "").upper() for _, _, iban in mine if iban),
                uk_accounts=tuple(
                    (_digits(sort), _digits(number)) for sort, number, _ in mine if sort and number
                ),
                contact_emails=tuple(sorted(emails[pk])),
            )
        )
    return facts


def rules() -> list[Rule]:
    return [
        Rule(r.pattern, r.client_id, r.times_used, r.times_right)
        for r in RoutingRule.objects.only("pattern", "client_id", "times_used", "times_right")
    ]
