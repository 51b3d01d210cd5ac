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
    a late statement for an archived client still belongs to it)."""
    accounts = defaultdict(list)
    for account in BankAccount.objects.only("client_id", "sort_code", "account_number", "iban"):
        accounts[account.client_id].append(account)
    emails = defaultdict(set)
    for link in ClientContact.objects.select_related("contact").only("client_id", "contact__email"):
        if link.contact.email:
            emails[link.client_id].add(link.contact.email.strip().lower())
    facts = []
    for client in Client.objects.only("name", "vat_number", "company_number"):
        mine = accounts[client.pk]
        facts.append(
            ClientFacts(
                id=client.pk,
                name=client.name,
                vat_number=client.vat_number or "",
                company_number=client.company_number or "",
                ibans=tuple(a.iban.replace(" ", "").upper() for a in mine if a.iban),
                uk_accounts=tuple(
                    (_digits(a.sort_code), _digits(a.account_number))
                    for a in mine
                    if a.sort_code and a.account_number
                ),
                contact_emails=tuple(sorted(emails[client.pk])),
            )
        )
    return facts


def rules() -> list[Rule]:
    return [
        Rule(r.pattern, r.client_id, r.times_used, r.times_right)
        for r in RoutingRule.objects.only("pattern", "client_id", "times_used", "times_right")
    ]
