"""The words of a bank line and a ledger entry, made comparable: the party text (upper case,
no digits, no banking stop-words) and the reference tokens (Odoo's rule: four or more letters
and digits with at least one digit, or four or more digits; leading zeros stripped).

Pure: no Django. Used by ``reconciliation.matching``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

# Words every bank puts on its lines, and words every bookkeeper puts in the ledger: they say
# how the money moved, not who paid, so two lines sharing them are no more alike.
STOP_WORDS = frozenset(
    word
    for row in (
        "A AND AT BACS BGC BP CARD CD CHQ CHEQUE CO COM CONTACTLESS CR CREDIT DD DDR DEB DEBIT",
        "DIRECT FASTER FOR FPI FPO FPS FROM FT GB GBP IN INV INVOICE LIMITED LLP LTD NET OF ON",
        "PAYMENT PAYMENTS PAY PAID PLC PO PURCHASE RECEIPT RECEIVED REF SALES SO STO STANDING",
        "ORDER TFR THE TO TRANSFER UK VIA WWW SALARY WAGES PAYROLL",
        "JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC",
    )
    for word in row.split(" ")
)

# A token is a maximal run of capitals and digits (in the text made upper case); a word is a
# token of letters only, a code one of four or more characters with a digit.
_TOKEN = re.compile(r"[A-Z0-9]+")
_DIGITS = re.compile(r"[0-9]{4,}")

_parsed: dict[str, tuple[str, frozenset[str]]] = {}
_referenced: dict[str, frozenset[str]] = {}
NO_REFERENCES: frozenset[str] = frozenset()


def parse(text: str) -> tuple[str, frozenset[str]]:
    """``(party text, reference tokens)`` of a line's text or reference, remembered (the
    same card merchant, the same standing order, come back every week)."""
    found = _parsed.get(text)
    if found is None:
        if len(_parsed) > 100_000:
            _parsed.clear()
        found = _parsed[text] = _words(_TOKEN.findall(text.upper()))
    return found


def references(text: str) -> frozenset[str]:
    """The reference tokens of ``text`` (``parse(text)[1]``, without the party words: a
    line's reference field), remembered."""
    found = _referenced.get(text)
    if found is None:
        if len(_referenced) > 100_000:
            _referenced.clear()
        found = _referenced[text] = _coded(_TOKEN.findall(text.upper()))
    return found


def parse_all(texts: Iterable[str]) -> dict[str, tuple[str, frozenset[str]]]:
    """``parse`` every one of ``texts`` at once (a fresh worker meets 10,000 new texts);
    returns the remembered parses, each of ``texts`` among them."""
    return _remember_all(texts, _parsed, _words)


def references_all(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """``references`` of every one of ``texts`` at once; returns the remembered ones."""
    return _remember_all(texts, _referenced, _coded)


def _words(tokens: list[str]) -> tuple[str, frozenset[str]]:
    words = " ".join([t for t in tokens if t.isalpha() and t not in STOP_WORDS])
    return words, _coded(tokens)


def _coded(tokens: list[str]) -> frozenset[str]:
    coded = [t for t in tokens if len(t) > 3 and not t.isalpha()]
    return _references(coded) if coded else NO_REFERENCES


def _remember_all(texts: Iterable[str], remembered: dict, of_tokens) -> dict:
    new = list(dict.fromkeys([text for text in texts if text not in remembered]))
    if new:
        if len(remembered) + len(new) > 100_000:
            remembered.clear()
            new = list(dict.fromkeys(texts))
        every = _tokens_of_all(new)
        if every is None:
            every = [_TOKEN.findall(text.upper()) for text in new]
        for text, tokens in zip(new, every, strict=True):
            remembered[text] = of_tokens(tokens)
    return remembered


# Every character of ASCII but capitals, digits and NUL (which parts texts joined) a space.
_SPACES = str.maketrans(
    {c: " " for c in range(1, 128) if not ("A" <= chr(c) <= "Z" or "0" <= chr(c) <= "9")}
)


def _tokens_of_all(texts: list[str]) -> list[list[str]] | None:
    """The tokens of each of ``texts`` (as ``_TOKEN`` finds them), in one pass over them
    joined; None when they are not all ASCII or one holds a NUL."""
    upper = "\0".join(texts).upper()
    if not upper.isascii():
        return None
    parts = upper.translate(_SPACES).split("\0")
    if len(parts) != len(texts):
        return None
    return [part.split() for part in parts]


def forget() -> None:
    """Empty the caches of parsed texts and of name similarities."""
    _parsed.clear()
    _referenced.clear()
    similarity.cache_clear()
    _pair_score.cache_clear()


def _references(tokens: list[str]) -> frozenset[str]:
    """The references among ``tokens`` of four or more letters and digits, with a digit."""
    found: set[str] = set()
    for token in tokens:
        if token.isdigit():
            stripped = token.lstrip("0")
            if len(stripped) >= 3:
                found.add(stripped)
            continue
        found.add(token)
        for digits in _DIGITS.findall(token):
            stripped = digits.lstrip("0")
            if len(stripped) >= 3:
                found.add(stripped)
    return frozenset(found)


def reference_tokens(*texts: str) -> frozenset[str]:
    """The reference-like tokens of ``texts``: ``INV-0001042`` gives ``1042``; ``INV1042``
    gives ``INV1042`` and ``1042`` (so a reference with its prefix dropped still agrees)."""
    found: frozenset[str] = frozenset()
    for text in texts:
        if text:
            found = found | references(text)
    return found


def party_text(text: str) -> str:
    """The words of ``text`` that name someone: upper case, letters only, no stop-words,
    single spaces. ``"CARD PAYMENT TO TESCO STORES 3297 ON 14 MAR"`` gives ``"TESCO STORES"``."""
    return parse(text)[0] if text else ""


def _abbreviates(short: str, long: str) -> bool:
    """``MKTPLACE`` for ``MARKETPLACE``, ``AMZN`` for ``AMAZON``: same first letter, and the
    short word's letters appear in order in the long one."""
    if len(short) < 3 or short[0] != long[0] or len(short) > len(long):
        return False
    position = 0
    for letter in short:
        position = long.find(letter, position) + 1
        if position == 0:
            return False
    return True


def _word_score(word: str, others: tuple[str, ...]) -> float:
    """How well ``word`` is matched by its best match among ``others``, 0 to 1."""
    return max([_pair_score(word, other) for other in others], default=0.0)


@lru_cache(maxsize=65536)
def _pair_score(word: str, other: str) -> float:
    """Equal 1, an initial 0.9, a prefix 0.95, an abbreviation 0.85, or a near spelling
    (rapidfuzz's ratio, at least 80); else 0. Remembered: the same words come back."""
    if word == other:
        return 1.0
    short, long = (word, other) if len(word) <= len(other) else (other, word)
    if len(short) == 1:
        return 0.9 if long.startswith(short) else 0.0  # an initial
    if len(short) >= 3 and long.startswith(short):
        return 0.95
    if _abbreviates(short, long):
        return 0.85
    if len(short) >= 4:
        ratio = fuzz.ratio(word, other)
        return ratio / 100 if ratio >= 80 else 0.0
    return 0.0


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How alike two party texts are, 0 to 100; 0 when either is empty (no evidence either
    way). rapidfuzz's token-set ratio, or, when banks abbreviate (``AMAZON MKTPLACE`` for
    ``AMAZON MARKETPLACE EU SARL``), the share of the shorter text's words that abbreviate a
    word of the other."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    score = fuzz.token_set_ratio(a, b)
    if score >= 90:
        return score
    words_a, words_b = tuple(a.split()), tuple(b.split())
    if len(words_a) > len(words_b):
        words_a, words_b = words_b, words_a
    abbreviated = 100 * sum(_word_score(w, words_b) for w in words_a) / len(words_a)
    return max(score, abbreviated)


def near_reference(refs_a: frozenset[str], refs_b: frozenset[str]) -> bool:
    """Two references one slip apart (two digits swapped, one digit wrong or missing), each
    at least five characters: a reference mistyped by the payer."""
    for a in refs_a:
        if len(a) < 5:
            continue
        for b in refs_b:
            if len(b) >= 5 and abs(len(a) - len(b)) <= 1 and OSA.distance(a, b) <= 1:
                return True
    return False
