"""Evidence from client names in the text (``inbox.routing``): a *suggestion* only, never
raising another suggestion to high, but what the conflicts (``inbox.routing_conflicts``)
read as "the text names another client", and part of triage's order.

A client's name counts when rapidfuzz's ``partial_ratio`` on the normalised names is at least
``NAME_THRESHOLD`` and every word of it is there (a typo or a cut allowed). Names under four
letters are not looked for. A name found where another client's longer or closer name stands
("Acme Trading" within "Acme Trading (North) Ltd") is explained by it and does not count; a
one-word company name counts only with its legal form after it ("Kestrel Ltd", not the
"Kestrel" of "Kestrel Brewery Ltd"); a company name of generic words only ("Northern Property
Services Ltd") counts only word for word, with its legal form.
"""

import functools
from typing import NamedTuple

from rapidfuzz import fuzz

from inbox import identifiers
from inbox.routing_evidence import Item, Level, NameMatch

NAME_THRESHOLD = 90
"""The least rapidfuzz ``partial_ratio`` (0–100) at which a client's name counts."""


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


class Profile(NamedTuple):
    """A client's name as looked for."""

    name: str  # normalised
    anchors: tuple[str, ...]  # its distinctive words: one of them must be in the text
    words: frozenset[str]
    display: str
    needs_form: bool  # a one-word company name: only followed by its legal form or a line end
    exact: bool = False  # a name of generic words only: only word for word, then form or line end


@functools.lru_cache(maxsize=65536)
def name_profile(name: str) -> Profile | None:
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
            return Profile(
                normal, (max(words, key=len),), frozenset(words), display_name(name), False, True
            )
        return None
    return Profile(normal, anchors, frozenset(words), display_name(name), len(words) == 1 and legal)


_LEGAL_FORMS = ("limited", "ltd.", "ltd", "llp", "plc", "& co.", "& co", "cic")


def display_name(name: str) -> str:
    """The name as staff say it: without its legal form ("Acme Trading" of "Acme Trading Ltd")."""
    shown = name.strip().rstrip(".,")
    lowered = shown.lower()
    for form in _LEGAL_FORMS:
        if lowered.endswith(" " + form):
            return shown[: -len(form) - 1].rstrip(" ,")
    return shown


class NameIndex(NamedTuple):
    """The practice's client names as looked for, built once (``inbox.routing_index``): each
    client's profile, and the clients each anchor word may find."""

    profiles: list[tuple[int, Profile]]
    anchors: frozenset[str]
    by_anchor: dict[str, frozenset[int]]


def index_names(profiles: list[tuple[int, Profile]]) -> NameIndex:
    """The names of ``profiles`` (client id, profile), by their anchor words."""
    by_anchor: dict[str, set[int]] = {}
    for client_id, profile in profiles:
        for word in profile.anchors:
            by_anchor.setdefault(word, set()).add(client_id)
    return NameIndex(
        profiles=profiles,
        anchors=frozenset(by_anchor),
        by_anchor={word: frozenset(ids) for word, ids in by_anchor.items()},
    )


def name_items(text: str, names: NameIndex, add) -> None:
    """A suggestion for every client whose name is in the text. "Kestrel Ltd" is not in
    "Kestrel Brewery Ltd" (a one-word name needs its legal form after it), and a name found
    where a longer or closer name of another client stands ("Acme Trading" in "Acme Trading
    (North) Ltd", "Acme Trading (South)" at 91 where "Acme Trading (North)" is at 100) is
    explained by that one: it stays a suggestion, at half the score, and never counts as
    "another client named" in a conflict."""
    if not names.profiles:
        return
    # Line ends are kept as a word of their own: "Invoice to: Thistle" names Thistle Ltd.
    normal = identifiers.normalise_text(text.replace("\n", f" {_LINE_END} "))
    padded = f" {normal} "
    present = names.anchors & set(normal.split(" "))
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

    matches: dict[int, NameMatch] = {}
    candidates = {client_id for word in present for client_id in names.by_anchor[word]}
    for client_id, profile in names.profiles:
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
                matches[client_id] = NameMatch(
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
            matches[client_id] = NameMatch(
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
        add(client_id, Item("name", Level.SUGGESTION, score, reason, name_match=match))


def names_found(text: str, names: NameIndex) -> set[int]:
    """The clients ``text`` names (their names found and not explained by another's)."""
    found: set[int] = set()

    def add(client_id: int, item: Item) -> None:
        if not item.name_match.explained_by:
            found.add(client_id)

    name_items(text, names, add)
    return found


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


def _explains(other: NameMatch, match: NameMatch) -> bool:
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
