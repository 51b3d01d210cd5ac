"""What the router knows of the practice: its clients' identifiers and contacts, and the rules
triage taught. Read in a fixed number of queries, whatever the number of clients.

The clients' facts are kept in the process between messages (reading and indexing them cost
more than routing one message: bench/inbox.py), under a stamp in the shared cache that
``forget`` drops whenever a client, bank account, contact or contact link of the practice is
saved or deleted (inbox.apps), at once and again after the commit; a process keeps them at most
``KEPT_SECONDS`` whatever happens, so a change made behind the signals' back (a bulk update)
reaches the router within that time."""

import time
import uuid
from collections import defaultdict

from django.core.cache import cache
from django.db import transaction

from atlasos.tenancy.context import require_practice_id
from clients.models import BankAccount, Client, ClientContact
from inbox.models import RoutingRule
from inbox.routing import ClientFacts, Rule


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


KEPT_SECONDS = 30
_kept: dict[int, tuple[str, float, tuple[ClientFacts, ...]]] = {}


def _stamp_key(practice_id: int) -> str:
    return f"inbox:client-facts:{practice_id}"


def _stamp(practice_id: int) -> str:
    key = _stamp_key(practice_id)
    stamp = cache.get(key)
    if stamp is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(key, "")
    return stamp


def client_facts() -> tuple[ClientFacts, ...]:
    """``read_client_facts()``, kept in the process while the practice's stamp stands."""
    practice_id = require_practice_id()
    stamp = _stamp(practice_id)
    kept = _kept.get(practice_id)
    now = time.monotonic()
    if kept and kept[0] == stamp and now - kept[1] < KEPT_SECONDS:
        return kept[2]
    facts = tuple(read_client_facts())
    _kept[practice_id] = (stamp, now, facts)
    return facts


def forget(practice_id: int) -> None:
    """The practice's clients changed: every process reads their facts again, now (for this
    transaction's own later reads) and after the commit (for everyone else's)."""
    key = _stamp_key(practice_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def on_client_fact_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        forget(instance.practice_id)


def read_client_facts() -> list[ClientFacts]:
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
