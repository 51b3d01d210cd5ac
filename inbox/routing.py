"""Which client a message (or one attachment) belongs to, with a confidence and the reasons
staff read (issue 12 §4). Pure Python, no Django: the caller passes its own practice's
clients, the rules triage taught and what it knows of the message.

**Evidence and its level**

1. Sent to the client's own inbox address (live, or retired less than 30 days ago):
   *certain*.
2. The sender (the ``From`` addr-spec; a display name never counts) is a contact of exactly
   one client: *high* when the receiving server says the message is authenticated (DMARC, or
   SPF and DKIM aligned), otherwise a *suggestion*. A contact of several clients (a director
   of several companies) is a suggestion for each: identifiers then decide.
3. Identifiers in the text that pass their checks (``inbox.identifiers``): a VAT number,
   company number, IBAN or sort code + account number that belongs to exactly one client:
   *high*. A GB IBAN and a sort code + account pair are the same account (the IBAN carries
   both). An identifier stored on several clients is a suggestion for each. The client's
   name (rapidfuzz, ``partial_ratio`` on normalised names, at least ``NAME_THRESHOLD``;
   names under four letters are not looked for, nor those of generic words only but word
   for word) is a *suggestion* only, and never raises another suggestion to high.
4. A rule triage taught (the sender's exact address, else its domain; a domain rule for a
   webmail domain is never applied): *high* when it was right at least 3 times and at least
   90 % of the times it was used, otherwise a *suggestion*. The issue does not ask a rule
   for authentication and neither does this: its record was earned on that sender's real
   traffic, authenticated or not. (A forger who knows a rule's address can get a document
   filed under that rule's client, as one who knows a client's VAT number can.)

A candidate's level is the best of its evidence; its score (for ranking) is the sum.

**Conflicts.** Only a certain or high candidate with no other client at high or above is
filed (``decide``); everything else waits in triage, ranked. Before that, ``rank`` lowers
evidence to a suggestion where another fact explains or contradicts it. Lowering only ever
sends a message to triage: when two clients reached high on their own evidence, the message
goes to triage whatever was lowered since ("prefer triage whenever two clients reach high").

- *Identifiers of two clients in one text* (an invoice from one client to another, a
  statement listing several): each client's identifiers are a suggestion only.
- *The sender points to one client, the identifiers to another.* A client's purchase
  invoices carry the supplier's VAT number and bank details, and the supplier may be
  another client of the practice; a director may send a company's documents from an
  address recorded only on another company. Neither reading is safe, so neither files:
  with the sender high (authenticated contact, trusted rule) both clients are high and the
  message goes to triage as a conflict; with the sender a suggestion (a contact not
  authenticated, or of several clients) the other client's identifiers come down to a
  suggestion too, so that an unauthenticated contact of client A sending supplier B's
  invoice is not filed under B (but a statement of B's bank account stays B's: a statement
  is its account holder's, whoever sends it). A rule with a poor record is a hint for
  triage's order, not a link.
- *The text names another client.* A document with client B's identifiers that also names
  client C may be C's: B's sales invoice to C is C's purchase invoice, sent perhaps by C's
  new bookkeeper or by a director of both; and a VAT or company number alone may come from
  the signature of B's own people (the law wants the company number on their emails). B's
  identifiers stand only when the text is a statement of B's bank account (a statement is
  its account holder's, whoever its lines mention), or when it carries B's bank account and
  the sender is linked to B and not to C (B's copy of its sales invoice). Likewise a sender
  that is the only evidence for client A (no bank account of A in the text) loses its high
  when the text names another client: a director recorded on A only, sending the payslips
  of another company of hers, signs with A's name and number, but the payslips name the
  other.
- *The client's own address.* The sender chose that client's unguessable address, so other
  clients' identifiers in the text are its counterparties (a purchase invoice from a
  supplier who is also a client): every other client is lowered to a suggestion and the
  message is filed under the address's client.

Names, for those conflicts and for triage's order: a name found where another client's
longer or closer name stands ("Acme Trading" within "Acme Trading (North) Ltd") is explained
by it and does not count; a one-word company name counts only with its legal form after it
("Kestrel Ltd", not the "Kestrel" of "Kestrel Brewery Ltd"); a company name of generic words
only ("Northern Property Services Ltd") counts only word for word, with its legal form.

Identifiers on the practice's own letterhead (a quoted signature) belong to no client, so
they match nothing. A retired address past its 30 days is the caller's business: it passes
``address_client_id=None`` and notes it.
"""

import functools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

from rapidfuzz import fuzz

from inbox import classify, identifiers


class Level(IntEnum):
    """How sure a route is; the database keeps ``label``."""

    SUGGESTION = 1
    HIGH = 2
    CERTAIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class ClientFacts:
    id: int
    name: str
    vat_number: str = ""
    company_number: str = ""
    ibans: tuple[str, ...] = ()
    uk_accounts: tuple[tuple[str, str], ...] = ()
    contact_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    pattern: str
    client_id: int
    times_used: int
    times_right: int


@dataclass(frozen=True)
class Evidence:
    address_client_id: int | None
    sender: str
    authenticated: bool
    text: str


@dataclass(frozen=True)
class Candidate:
    client_id: int
    level: Level
    score: float
    reasons: tuple[str, ...]


NAME_THRESHOLD = 90
"""The least rapidfuzz ``partial_ratio`` (0–100) at which a client's name counts."""

RULE_MIN_RIGHT = 3
RULE_MIN_SHARE = 0.9

WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "btinternet.com",
        "btopenworld.com",
        "talk21.com",
        "aol.com",
        "aol.co.uk",
        "aim.com",
        "sky.com",
        "virginmedia.com",
        "ntlworld.com",
        "blueyonder.co.uk",
        "talktalk.net",
        "tiscali.co.uk",
        "plus.com",
        "mail.com",
        "gmx.com",
        "gmx.co.uk",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "zoho.com",
        "fastmail.com",
        "yandex.com",
        "hey.com",
    }
)
# Providers with a domain per country: hotmail.co.uk, yahoo.fr, live.com, …
WEBMAIL_PREFIXES = ("hotmail.", "yahoo.", "ymail.", "live.", "outlook.", "windowslive.")


def is_webmail(domain: str) -> bool:
    """A mailbox provider's domain, shared by strangers: a domain rule for it means nothing."""
    domain = domain.lower().strip().lstrip("@")
    return domain in WEBMAIL_DOMAINS or domain.startswith(WEBMAIL_PREFIXES)


# Scores: only for ranking within a level (and for triage's order).
_SCORE_ADDRESS = 100.0
_SCORE_CONTACT = 50.0
_SCORE_CONTACT_UNAUTHENTICATED = 15.0
_SCORE_CONTACT_SHARED = 8.0
_SCORE_IDENTIFIER = 40.0
_SCORE_IDENTIFIER_SHARED = 10.0
_SCORE_RULE = 30.0
_SCORE_RULE_WEAK = 5.0


@dataclass
class _Item:
    kind: str  # address, contact, rule, weak rule, identifier, name
    level: Level
    score: float
    reason: str
    name_match: "_NameMatch | None" = field(default=None)
    detail: str = ""  # an identifier's kind: vat, company, account, iban

    def lower(self, why: str) -> None:
        """To a suggestion, saying why."""
        if self.level > Level.SUGGESTION:
            self.level = Level.SUGGESTION
            self.reason = f"{self.reason}, but {why}: a suggestion only"


class _NameMatch(NamedTuple):
    words: frozenset[str]
    display: str
    ratio: float  # the best
    places: tuple[tuple[int, float], ...]  # where in the normalised text, and how well
    length: int
    explained_by: str = ""


def rank(
    evidence: Evidence, clients: Sequence[ClientFacts], rules: Sequence[Rule]
) -> list[Candidate]:
    """Every client with any evidence, best first (level, then score). See the module's
    docstring for the evidence, its levels and how conflicts lower it."""
    index = _index(clients)
    by_id = index.by_id
    items: dict[int, list[_Item]] = {}

    def add(client_id: int, item: _Item) -> None:
        items.setdefault(client_id, []).append(item)

    if evidence.address_client_id in by_id:
        add(
            evidence.address_client_id,
            _Item("address", Level.CERTAIN, _SCORE_ADDRESS, "Sent to the client's own address"),
        )
    sender = evidence.sender.strip().lower()
    if sender:
        _contact_items(sender, evidence.authenticated, index, add)
        _rule_items(sender, by_id, rules, add)
    if evidence.text:
        _identifier_items(identifiers.find(evidence.text), index, add)
        _name_items(evidence.text, index, add)

    _lower_conflicts(items, evidence.address_client_id, by_id, evidence.text)

    candidates = [
        Candidate(
            client_id=client_id,
            level=max(item.level for item in found),
            score=round(sum(item.score for item in found), 2),
            reasons=tuple(item.reason for item in found),
        )
        for client_id, found in items.items()
    ]
    candidates.sort(key=lambda c: (-c.level, -c.score, c.client_id))
    return candidates


def decide(candidates: Sequence[Candidate]) -> Candidate | None:
    """The route to file automatically, or None for triage: the top candidate when its level
    is CERTAIN or HIGH and no other candidate reaches HIGH or above (a conflict goes to
    triage)."""
    if not candidates:
        return None
    top = max(candidates, key=lambda c: (c.level, c.score))
    if top.level < Level.HIGH:
        return None
    if any(c.client_id != top.client_id and c.level >= Level.HIGH for c in candidates):
        return None
    return top


# -- Evidence ------------------------------------------------------------------------------


def _contact_items(sender, authenticated, index, add) -> None:
    owners = index.contacts.get(sender, ())
    if len(owners) == 1:
        if authenticated:
            item = _Item(
                "contact",
                Level.HIGH,
                _SCORE_CONTACT,
                f"Sender {sender} is a contact of this client only (DMARC passed)",
            )
        else:
            item = _Item(
                "contact",
                Level.SUGGESTION,
                _SCORE_CONTACT_UNAUTHENTICATED,
                f"Sender {sender} is a contact, but the message is not authenticated: "
                "a suggestion only",
            )
        add(owners[0], item)
    elif owners:
        others = len(owners) - 1
        unauthenticated = "" if authenticated else ", and the message is not authenticated"
        for client_id in owners:
            add(
                client_id,
                _Item(
                    "contact",
                    Level.SUGGESTION,
                    _SCORE_CONTACT_SHARED,
                    f"Sender {sender} is a contact of this client and of {others} other "
                    f"client{'s' if others > 1 else ''}{unauthenticated}: a suggestion only",
                ),
            )


def _rule_items(sender, by_id, rules, add) -> None:
    exact = [rule for rule in rules if rule.pattern.lower() == sender and rule.client_id in by_id]
    if exact:
        chosen = exact
    else:
        domain = "@" + sender.rpartition("@")[2]
        if domain == "@" or is_webmail(domain):
            return
        chosen = [r for r in rules if r.pattern.lower() == domain and r.client_id in by_id]
    for rule in chosen:
        reason = (
            f"Rule {rule.pattern.lower()} → this client "
            f"(right {rule.times_right} of {rule.times_used} times)"
        )
        share = rule.times_right / rule.times_used if rule.times_used else 0.0
        trusted = rule.times_right >= RULE_MIN_RIGHT and share >= RULE_MIN_SHARE
        if trusted:
            add(rule.client_id, _Item("rule", Level.HIGH, _SCORE_RULE, reason))
        else:  # a poor record: a hint for triage's order, no link in a conflict
            add(
                rule.client_id,
                _Item(
                    "weak rule", Level.SUGGESTION, _SCORE_RULE_WEAK + 10 * min(share, 1.0), reason
                ),
            )


def _vat_key(number: str) -> str:
    """GB and XI numbers by their nine digits (a branch suffix is the same registration);
    others compact."""
    number = "".join(number.split()).replace("-", "").replace(".", "").upper()
    if number[:2] in ("GB", "XI"):
        number = number[2:]
    if number.isdigit() and len(number) in (9, 12):
        return "GB" + number[:9]
    return number


def _company_key(number: str) -> str:
    number = "".join(number.split()).upper()
    return number.zfill(8) if number.isdigit() else number


def _iban_key(number: str) -> str:
    return "".join(number.split()).replace("-", "").upper()


def _account_key(sort_code: str, account: str) -> tuple[str, str]:
    return (
        "".join(ch for ch in sort_code if ch.isdigit()),
        "".join(ch for ch in account if ch.isdigit()).zfill(8),
    )


def _gb_account(iban: str) -> tuple[str, str] | None:
    """The sort code and account number a GB IBAN carries (GBkk BANK ssssss aaaaaaaa)."""
    if len(iban) == 22 and iban.startswith("GB") and iban[8:].isdigit():
        return iban[8:14], iban[14:]
    return None


def _format_account(key: tuple[str, str]) -> str:
    sort_code, account = key
    if len(sort_code) == 6:
        sort_code = f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}"
    return f"{sort_code} {account}"


def _identifier_items(found: identifiers.Found, index: "_Index", add) -> None:
    """One item per identifier in the text that belongs to a client: high when it belongs to
    that client alone."""
    # What the text carries, each with the words staff read.
    in_text: dict[tuple[str, object], str] = {}
    for number in sorted(found.vat_numbers):
        in_text.setdefault(("vat", _vat_key(number)), f"VAT number {number} in the text")
    for number in sorted(found.company_numbers):
        in_text.setdefault(("company", number), f"Company number {number} in the text")
    for number in sorted(found.ibans):
        account = _gb_account(number)
        key = ("account", account) if account else ("iban", number)
        in_text.setdefault(key, f"IBAN {number} in the text")
    for pair in sorted(found.uk_accounts):
        key = ("account", _account_key(*pair))
        in_text.setdefault(key, f"Bank account {_format_account(key[1])} in the text")
    if not in_text:
        return
    for key, reason in in_text.items():
        client_ids = index.owners.get(key)
        if not client_ids:
            continue
        if len(client_ids) == 1:
            (client_id,) = client_ids
            add(
                client_id,
                _Item("identifier", Level.HIGH, _SCORE_IDENTIFIER, reason, detail=key[0]),
            )
            continue
        for client_id in sorted(client_ids):
            add(
                client_id,
                _Item(
                    "identifier",
                    Level.SUGGESTION,
                    _SCORE_IDENTIFIER_SHARED,
                    f"{reason}, but it is on {len(client_ids)} clients: a suggestion only",
                    detail=key[0],
                ),
            )


# -- Names ---------------------------------------------------------------------------------

# Words that say what a business does or where, not which one it is. A name made only of
# these ("London Property Services") is not looked for, and they never anchor a search.
# fmt: off
GENERIC_WORDS = frozenset({
    "the", "and", "of", "a", "an", "at", "in", "on", "for", "by", "to", "uk", "gb", "england",
    "scotland", "wales", "britain", "british", "london", "north", "south", "east", "west",
    "northern", "southern", "central", "international", "global", "national", "group",
    "holdings", "holding", "trading", "traders", "trade", "services", "service", "solutions",
    "consulting", "consultants", "consultancy", "management", "partners", "partnership",
    "associates", "company", "enterprises", "enterprise", "ventures", "investments",
    "investment", "properties", "property", "estates", "estate", "lettings", "developments",
    "development", "construction", "contractors", "building", "builders", "design", "designs",
    "media", "digital", "systems", "technology", "technologies", "tech", "business", "accounts",
    "accountants", "finance", "financial", "capital", "retail", "wholesale", "logistics",
    "transport", "engineering", "electrical", "plumbing", "heating", "cleaning", "care", "hire",
    "supplies", "products", "marketing", "energy", "security", "motors", "garage", "homes",
    "home", "foods", "food", "cafe", "bar", "restaurant", "shop", "stores", "store", "studio",
    "studios", "leisure", "health", "medical", "dental", "training", "education",
    "support", "network", "projects", "project", "limited", "ltd", "llp", "plc", "co", "new",
    "one", "first", "best"
})
# fmt: on
_MIN_NAME_LENGTH = 4
_MAX_OCCURRENCES = 25
_LEGAL_WORDS = frozenset({"ltd", "limited", "llp", "plc", "cic", "lp"})
_LINE_END = "zzlinezz"  # stands for a line break in the text names are looked for in
_NAME_ENDS = _LEGAL_WORDS | {_LINE_END, ""}  # what may follow a name looked for whole


class _Profile(NamedTuple):
    """A client's name as looked for."""

    name: str  # normalised
    anchors: tuple[str, ...]  # its distinctive words: one of them must be in the text
    words: frozenset[str]
    display: str
    needs_form: bool  # a one-word company name: only followed by its legal form or a line end
    exact: bool = False  # a name of generic words only: only word for word, then form or line end


@functools.lru_cache(maxsize=65536)
def _name_profile(name: str) -> _Profile | None:
    """None when the name is too short or generic to look for."""
    normal = identifiers.normalise_name(name)
    words = normal.split()
    anchors = tuple(sorted({w for w in words if w not in GENERIC_WORDS and len(w) >= 2}))
    legal = bool(_LEGAL_WORDS & set(identifiers.normalise_text(name).split()))
    if len(normal.replace(" ", "")) < _MIN_NAME_LENGTH:
        return None
    if not anchors:
        # "Northern Property Services Ltd": a name, but only as a whole.
        if legal and len(words) >= 2:
            return _Profile(
                normal, (max(words, key=len),), frozenset(words), _display_name(name), False, True
            )
        return None
    return _Profile(
        normal, anchors, frozenset(words), _display_name(name), len(words) == 1 and legal
    )


_LEGAL_FORMS = ("limited", "ltd.", "ltd", "llp", "plc", "& co.", "& co", "cic")


def _display_name(name: str) -> str:
    shown = name.strip().rstrip(".,")
    lowered = shown.lower()
    for form in _LEGAL_FORMS:
        if lowered.endswith(" " + form):
            return shown[: -len(form) - 1].rstrip(" ,")
    return shown


def _name_items(text: str, index: "_Index", add) -> None:
    """A suggestion for every client whose name is in the text. "Kestrel Ltd" is not in
    "Kestrel Brewery Ltd" (a one-word name needs its legal form after it), and a name found
    where a longer or closer name of another client stands ("Acme Trading" in "Acme Trading
    (North) Ltd", "Acme Trading (South)" at 91 where "Acme Trading (North)" is at 100) is
    explained by that one: it stays a suggestion, at half the score, and never counts as
    "another client named" in a conflict."""
    if not index.profiles:
        return
    # Line ends are kept as a word of their own: "Invoice to: Thistle" names Thistle Ltd.
    normal = identifiers.normalise_text(text.replace("\n", f" {_LINE_END} "))
    padded = f" {normal} "
    present = index.anchors & set(normal.split(" "))
    if not present:
        return
    positions: dict[str, list[int]] = {}
    for word in present:
        at, found, needle = 0, [], f" {word} "
        while len(found) < _MAX_OCCURRENCES:
            at = padded.find(needle, at)
            if at < 0:
                break
            found.append(at)
            at += 1
        positions[word] = found

    matches: dict[int, _NameMatch] = {}
    candidates = {client_id for word in present for client_id in index.by_anchor[word]}
    for client_id, profile in index.profiles:
        if client_id not in candidates:
            continue
        name = profile.name
        best, places = 0.0, []
        if profile.exact:
            if profile.anchors[0] in positions:
                places = [
                    (at, 100.0) for end in _NAME_ENDS if (at := padded.find(f" {name} {end} ")) >= 0
                ]
                best = 100.0 if places else 0.0
            if places:
                matches[client_id] = _NameMatch(
                    profile.words, profile.display, best, tuple(places), len(name)
                )
            continue
        for word in profile.anchors:
            for at in positions.get(word, ()):
                if profile.needs_form:
                    after = padded[at + len(word) + 2 : at + len(word) + 12].split(" ", 1)[0]
                    if after not in _NAME_ENDS:
                        continue
                window = padded[max(0, at - len(name)) : at + len(word) + len(name) + 2]
                window = window.ljust(len(name) + 2)
                ratio = fuzz.partial_ratio(name, window, score_cutoff=NAME_THRESHOLD)
                if ratio and _every_word_there(name, window):
                    best = max(best, ratio)
                    places.append((at, ratio))
        if places:
            matches[client_id] = _NameMatch(
                profile.words, profile.display, best, tuple(places), len(name)
            )

    for client_id, match in list(matches.items()):
        for other_id, other in matches.items():
            if other_id != client_id and _explains(other, match):
                matches[client_id] = match._replace(explained_by=other.display)
                break
    for client_id, match in matches.items():
        reason = f"Name “{match.display}” in the text (score {round(match.ratio)})"
        score = match.ratio / 10 + len(match.words) / 10
        if match.explained_by:
            reason += f", as part of “{match.explained_by}”"
            score /= 2
        add(client_id, _Item("name", Level.SUGGESTION, score, reason, name_match=match))


def _every_word_there(name: str, window: str) -> bool:
    """Whether each word of the name is in the window, allowing a typo ("Tradng") or a cut
    ("SUMMIT PRINT SERVI"): so that "Ryan Veterinary Practice" is not found in "Clyde
    Veterinary Practice Ltd" at 90 on the strength of its long common words."""
    there = window.split()
    for word in name.split():
        if not any(
            token == word
            or (len(token) >= 3 and word.startswith(token))
            or (len(word) > 2 and fuzz.ratio(word, token, score_cutoff=80))
            for token in there
        ):
            return False
    return True


def _explains(other: "_NameMatch", match: "_NameMatch") -> bool:
    """Whether ``other``'s name accounts for every place ``match`` was found: found there
    too, as a longer name containing it and as well, or as a name sharing a word with it and
    better ("Oakridge Software (North)" at 100 where "Oakridge Software (South)" is at 91)."""
    longer = match.words < other.words
    related = bool(match.words & other.words)
    reach = max(other.length, match.length)

    def covered(at: int, ratio: float) -> bool:
        return any(
            abs(at - there) <= reach
            and (
                (longer and how >= ratio)
                or (related and (how, other.length) > (ratio, match.length))
            )
            for there, how in other.places
        )

    return all(covered(at, ratio) for at, ratio in match.places)


# -- The practice's clients, indexed once ------------------------------------------------


@dataclass
class _Index:
    """What ``rank`` looks up, built once for a sequence of clients and kept while the same
    client objects come back (the caller routes every attachment of a message, and a
    benchmark thousands of messages, against one list)."""

    clients: tuple[ClientFacts, ...]  # held, so that their ids stay theirs
    by_id: dict[int, ClientFacts]
    contacts: dict[str, tuple[int, ...]]
    owners: dict[tuple[str, object], frozenset[int]]
    profiles: list[tuple[int, _Profile]]
    anchors: frozenset[str]
    by_anchor: dict[str, frozenset[int]]


_INDEXES: "OrderedDict[tuple[int, ...], _Index]" = OrderedDict()
_INDEXES_KEPT = 8


def _index(clients: Sequence[ClientFacts]) -> _Index:
    # Client facts are frozen, so the same objects mean the same facts.
    key = tuple(map(id, clients))
    index = _INDEXES.get(key)
    if index is not None:
        _INDEXES.move_to_end(key)
        return index
    contacts: dict[str, list[int]] = {}
    owners: dict[tuple[str, object], set[int]] = {}
    profiles = []
    seen: set[int] = set()
    for client in clients:
        if client.id in seen:  # the same client twice: once is enough
            continue
        seen.add(client.id)
        for email in {email.strip().lower() for email in client.contact_emails}:
            contacts.setdefault(email, []).append(client.id)
        for identifier in _client_keys(client):
            owners.setdefault(identifier, set()).add(client.id)
        profile = _name_profile(client.name)
        if profile:
            profiles.append((client.id, profile))
    by_anchor: dict[str, set[int]] = {}
    for client_id, profile in profiles:
        for word in profile.anchors:
            by_anchor.setdefault(word, set()).add(client_id)
    index = _Index(
        clients=tuple(clients),
        by_id={client.id: client for client in clients},
        contacts={email: tuple(ids) for email, ids in contacts.items()},
        owners={identifier: frozenset(ids) for identifier, ids in owners.items()},
        profiles=profiles,
        anchors=frozenset(by_anchor),
        by_anchor={word: frozenset(ids) for word, ids in by_anchor.items()},
    )
    _INDEXES[key] = index
    while len(_INDEXES) > _INDEXES_KEPT:
        _INDEXES.popitem(last=False)
    return index


def _client_keys(client: ClientFacts) -> set[tuple[str, object]]:
    keys: set[tuple[str, object]] = set()
    if client.vat_number:
        keys.add(("vat", _vat_key(client.vat_number)))
    if client.company_number:
        keys.add(("company", _company_key(client.company_number)))
    for iban in client.ibans:
        iban = _iban_key(iban)
        account = _gb_account(iban)
        keys.add(("account", account) if account else ("iban", iban))
    for pair in client.uk_accounts:
        keys.add(("account", _account_key(*pair)))
    return keys


# -- Conflicts -----------------------------------------------------------------------------


def _lower_conflicts(
    items: dict[int, list[_Item]],
    address_client_id: int | None,
    by_id: dict[int, ClientFacts],
    text: str,
) -> None:
    """Lower evidence that another fact explains or contradicts (the module's docstring,
    "Conflicts"), saying why in its reason."""

    def of_kind(client_id: int, kind: str) -> list[_Item]:
        return [item for item in items[client_id] if item.kind == kind]

    def with_high(kind: str) -> set[int]:
        return {
            client_id
            for client_id in items
            if any(item.level >= Level.HIGH for item in of_kind(client_id, kind))
        }

    def high_now() -> set[int]:
        return {
            client_id
            for client_id, found in items.items()
            if any(item.level >= Level.HIGH and item.kind != "address" for item in found)
        }

    def banked(client_id: int) -> bool:
        """Whether the text carries the client's bank account. Its VAT and company numbers are
        in every email its people send (the law wants the company number on them), so they
        say nothing of an attachment sent by its own contact; its bank account does."""
        return any(item.detail in ("account", "iban") for item in of_kind(client_id, "identifier"))

    statement = None  # whether the text is a bank statement, worked out when needed

    def is_statement() -> bool:
        nonlocal statement
        if statement is None:
            statement = classify.is_bank_statement(text)
        return statement

    high_before = high_now()

    # Identifiers of two clients in one text.
    if len(with_high("identifier")) > 1:
        for client_id in items:
            for item in of_kind(client_id, "identifier"):
                item.lower("the text also carries another client's identifiers")

    # The sender (a contact, a trusted rule) points to some clients, the identifiers to
    # another: with the sender high, both stay high and ``decide`` sees the conflict; with the
    # sender a suggestion, the other client's identifiers come down to one too.
    contact_clients = {client_id for client_id in items if of_kind(client_id, "contact")}
    rule_clients = {client_id for client_id in items if of_kind(client_id, "rule")}
    sender_clients = contact_clients | rule_clients
    if sender_clients and not (with_high("contact") or with_high("rule")):
        why = (
            "the sender is a contact of another client"
            if contact_clients
            else "a rule sends this sender's mail to another client"
        )
        for client_id in with_high("identifier") - sender_clients:
            if banked(client_id) and is_statement():
                continue  # a statement of its account is its own, whoever sends it
            for item in of_kind(client_id, "identifier"):
                item.lower(why)

    # The text names another client.
    named = {
        client_id: item.name_match
        for client_id in items
        for item in of_kind(client_id, "name")
        if item.name_match and not item.name_match.explained_by
    }

    def another_named(client_id: int) -> "_NameMatch | None":
        return next((match for other, match in named.items() if other != client_id), None)

    # Identifiers of B and another client C named: B's when the text is a statement of B's
    # account (a statement is its account holder's, whoever its lines mention), or when the
    # sender is linked to B and not to C and the text carries B's bank account (B's sales
    # invoice to C). A stranger's, or a director's of both, or only B's VAT number from a
    # signature: the document may be C's.
    for client_id in with_high("identifier"):
        others = [other_id for other_id in named if other_id != client_id]
        own_copy = banked(client_id) and (
            (client_id in sender_clients and not sender_clients.intersection(others))
            or is_statement()
        )
        if others and not own_copy:
            for item in of_kind(client_id, "identifier"):
                item.lower(f"the text also names another client, “{named[others[0]].display}”")
    for client_id in with_high("contact") | with_high("rule"):
        # Only the sender links the message to this client, and the text is about another.
        if banked(client_id):
            continue
        others_high = any(
            item.level >= Level.HIGH
            for other_id, found in items.items()
            if other_id != client_id
            for item in found
        )
        other = another_named(client_id)
        if other and not others_high:
            for item in of_kind(client_id, "contact") + of_kind(client_id, "rule"):
                item.lower(f"the text names another client, “{other.display}”")

    # Two clients reached high on their own evidence: triage, whatever was lowered since.
    # Lowering sends a message to triage; it never chooses one of two clients.
    left = high_now()
    if len(high_before) > 1 and len(left) == 1 and address_client_id not in items:
        (winner,) = left
        other = by_id[min(high_before - left)]
        for item in items[winner]:
            item.lower(f"another client, “{_display_name(other.name)}”, has strong evidence too")

    # The client's own address explains everything else.
    if address_client_id in items:
        for client_id in items:
            if client_id != address_client_id:
                for item in items[client_id]:
                    item.lower("the message came to another client's own address")
