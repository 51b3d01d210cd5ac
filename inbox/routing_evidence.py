"""The words routing speaks in (``inbox.routing``): what comes in (a client's facts, a rule
triage taught, the evidence of one message), what goes out (a candidate client at a level),
and the items of evidence between, one per fact found, each lowered to a suggestion when a
conflict explains it away (``inbox.routing_conflicts``). Pure Python, no Django.
"""

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple


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
    """What is known of one message (or one attachment): the client address it came to, its
    sender, whether the receiving server authenticated the sender, and its text (subject,
    body and the attachment's text). ``document`` is the attachment's own text within
    ``text``, when it is known apart from the covering message; None when it is not."""

    address_client_id: int | None
    sender: str
    authenticated: bool
    text: str
    document: str | None = None


@dataclass(frozen=True)
class Candidate:
    client_id: int
    level: Level
    score: float
    reasons: tuple[str, ...]


# Scores: only for ranking within a level (and for triage's order).
SCORE_ADDRESS = 100.0
SCORE_CONTACT = 50.0
SCORE_CONTACT_UNAUTHENTICATED = 15.0
SCORE_CONTACT_SHARED = 8.0
SCORE_IDENTIFIER = 40.0
SCORE_IDENTIFIER_SHARED = 10.0
SCORE_RULE = 30.0
SCORE_RULE_WEAK = 5.0


class NameMatch(NamedTuple):
    """Where and how well a client's name was found in the text (``inbox.routing_names``)."""

    words: frozenset[str]
    display: str
    ratio: float  # the best
    places: tuple[tuple[int, float], ...]  # where in the normalised text, and how well
    length: int
    explained_by: str = ""


@dataclass
class Item:
    """One fact for one client: what kind, how sure, its share of the score, the reason
    staff read."""

    kind: str  # address, contact, rule, weak rule, identifier, name
    level: Level
    score: float
    reason: str
    name_match: NameMatch | None = field(default=None)
    detail: str = ""  # an identifier's kind: vat, company, account, iban

    def lower(self, why: str) -> None:
        """To a suggestion, saying why."""
        if self.level > Level.SUGGESTION:
            self.level = Level.SUGGESTION
            self.reason = f"{self.reason}, but {why}: a suggestion only"
