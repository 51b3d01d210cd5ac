"""Identifiers found in the text of an email or an attachment (issue 12 §4.3): VAT numbers,
UK company numbers, IBANs and UK sort code + account number pairs. Pure Python, no Django.

Only numbers that pass their checks count: VAT numbers and IBANs through python-stdnum (check
digits), company numbers by format and only next to a cue ("Company No.", "Registered in
England No.", "CRN" …), since any eight digits would otherwise be one. A sort code and account
pair has no check digits that every bank follows, so it is reported whenever the shapes are
right; it only matters when it equals a client's stored pair (``inbox.routing``), fourteen
digits that do not meet by chance.

Every pattern is anchored on a literal or a bounded run, with no nested quantifiers, so a
hostile text cannot make the scan backtrack: 200,000 characters of a statement take about
20 ms, and hostile text time in proportion to its length.
"""

import bisect
import functools
import re
import string
import unicodedata
from dataclasses import dataclass

from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat


@dataclass(frozen=True)
class Found:
    """What ``find`` saw. Every value is compact (no spaces) and upper case."""

    vat_numbers: frozenset[str]
    """With the country prefix: ``GB123456789`` (a GB number written without its prefix after
    a "VAT" cue gets it; a branch suffix is dropped, it is the same registration; a Northern
    Ireland number keeps its ``XI``)."""
    company_numbers: frozenset[str]
    """UK Companies House numbers, eight characters: ``01234567``, ``SC123456``. Printed
    shorter (``Registered in England No. 1234567``) they are padded with zeros, as Companies
    House does."""
    ibans: frozenset[str]
    uk_accounts: frozenset[tuple[str, str]]
    """(sort code, account number) as digits: ``("200000", "12345678")``."""


# Patterns start with a literal or a character class, never with a look-behind, so the regular
# expression engine can skip ahead quickly; "not glued to a word before" is checked in code.
# Cues are looked for in an ASCII-lowered copy of the text, of the same length.
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lowered(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_LOWER)


def _alnum_at(text: str, at: int) -> bool:
    return 0 <= at < len(text) and text[at].isascii() and text[at].isalnum()


def _glued(text: str, start: int) -> bool:
    """Whether ``text[start]`` continues a word or number (so is no start of its own)."""
    return _alnum_at(text, start - 1)


# -- VAT numbers ---------------------------------------------------------------------------

# GB (or XI, Northern Ireland) then nine digits, grouped 3-4-2 or not, an optional branch.
_GB_VAT = re.compile(
    r"(?:GB|XI|gb|xi)[ -]?(\d{3})[ .-]?(\d{4})[ .-]?(\d{2})(?:[ .-]?\d{3})?(?![0-9])"
)
# A number without its prefix after a "VAT" cue: "VAT Reg No: 123 4567 89".
_VAT_CUE = re.compile(r"vat\b([^0-9]{0,40}+)(\d{3})[ .-]?(\d{4})[ .-]?(\d{2})(?![0-9])")
# EU member states' numbers: a country code then a digit, letters and digits, up to four more
# groups after spaces or dots; cut back group by group until one is valid. France and Spain
# may start with a letter, so have patterns of their own. The look-ahead lets the engine skip
# most upper-case words quickly.
_EU_CODES = "ATU|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK"
_EU_VAT = re.compile(
    r"(?=[A-Z]{2}U? ?[0-9])(" + _EU_CODES + r") ?([0-9][0-9A-Z]{0,13}(?:[ .][0-9A-Z]{1,5}){0,4})"
    r"(?![A-Za-z0-9])"
)
_FR_ES_VAT = re.compile(
    r"(FR) ?([0-9A-Z]{2} ?\d{3} ?\d{3} ?\d{3})(?![A-Za-z0-9])"
    r"|(ES) ?([0-9A-Z]\d{7}[0-9A-Z])(?![A-Za-z0-9])"
)
_EU_COUNTRY = frozenset(_EU_CODES.replace("ATU", "AT").split("|"))
_COUNTRY_BEFORE = re.compile(r"(?<![A-Za-z])([A-Z]{2})[ -]?$")
_SEPARATOR = re.compile(r"[ .]")


@functools.lru_cache(maxsize=4096)
def _valid_gb_vat(digits: str) -> bool:
    return gb_vat.is_valid(digits)


@functools.lru_cache(maxsize=4096)
def _valid_eu_vat(number: str) -> str | None:
    return eu_vat.compact(number) if eu_vat.is_valid(number) else None


def _vat_numbers(text: str, low: str) -> set[str]:
    found = set()
    for m in _GB_VAT.finditer(text):
        digits = m.group(1) + m.group(2) + m.group(3)
        if not _glued(text, m.start()) and _valid_gb_vat(digits):
            found.add(m.group(0)[:2].upper() + digits)
    for m in _VAT_CUE.finditer(low):
        if _glued(low, m.start()) or _glued(low, m.start(2)):
            continue
        country = _COUNTRY_BEFORE.search(text, m.start(1), m.end(1))
        if country and country.group(1) in _EU_COUNTRY:
            continue  # "VAT No: DE 123456789" is not a GB number
        digits = m.group(2) + m.group(3) + m.group(4)
        if _valid_gb_vat(digits):
            found.add(("XI" if country and country.group(1) == "XI" else "GB") + digits)
    for m in _FR_ES_VAT.finditer(text):
        number = (m.group(1) or m.group(3)) + (m.group(2) or m.group(4)).replace(" ", "")
        if not _glued(text, m.start()) and _valid_eu_vat(number):
            found.add(_valid_eu_vat(number))
    for m in _EU_VAT.finditer(text):
        if _glued(text, m.start()):
            continue
        parts = _SEPARATOR.split(m.group(2))
        for end in range(len(parts), 0, -1):
            number = _valid_eu_vat(m.group(1) + "".join(parts[:end]))
            if number:
                found.add(number)
                break
    return found


# -- Company numbers -----------------------------------------------------------------------

# The prefixes Companies House uses before six digits (Scotland, Northern Ireland, LLPs, LPs,
# overseas companies, societies, charitable incorporated organisations, …).
_COMPANY_PREFIXES = (
    "ac|br|ce|cs|fc|fe|ge|gn|gs|ic|ip|lp|na|nc|nf|ni|nl|no|np|nr|nv|nz|oc|r0|rc|sa|sc|se|sf"
    "|sg|si|sl|so|sp|sr|sz|zc"
)
_NO = r"(?:number|no\b\.?|num\b\.?|#)"
_COMPANY = re.compile(
    r"(?:company\s+(?:registration\s+|reg\.?\s*)?" + _NO + r"|registered\s+(?:company\s+)?"
    r"(?:" + _NO + r"|in\s+(?:england|wales|scotland|northern\s+ireland)(?:\s+(?:and|&)\s+wales)?"
    r"(?:\s+(?:with|under))?(?:\s+(?:company\s+)?" + _NO + r")?)"
    r"|reg(?:istration)?\.?\s*" + _NO + r"|crn\b|companies\s+house\s+" + _NO + r")"
    r"[\s:.,-]{0,6}+(?:is\s+)?((?:" + _COMPANY_PREFIXES + r")\d{6}|\d{6,8})(?![a-z0-9])"
)
_VAT_BEFORE = re.compile(r"vat\W{0,3}$")


def _company_numbers(low: str) -> set[str]:
    found = set()
    for m in _COMPANY.finditer(low):
        if _glued(low, m.start()) or _VAT_BEFORE.search(low, max(0, m.start() - 8), m.start()):
            continue  # "VAT Reg No 123456789" is a VAT number
        number = m.group(1).upper()
        found.add(number.zfill(8) if number.isdigit() else number)
    return found


# -- IBANs ---------------------------------------------------------------------------------

# Country, check digits, then groups of four (spaced or not) and a short tail: 15 to 34
# characters. Cut back group by group when a word after it was taken too.
_IBAN = re.compile(r"[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")


@functools.lru_cache(maxsize=4096)
def _valid_iban(number: str) -> bool:
    return stdnum_iban.is_valid(number)


def _ibans(text: str) -> set[str]:
    found = set()
    for m in _IBAN.finditer(text):
        if _glued(text, m.start()):
            continue
        parts = m.group(0).split(" ")
        for end in range(len(parts), 0, -1):
            number = "".join(parts[:end])
            if len(number) < 15:
                break
            if _valid_iban(number):
                found.add(number)
                break
    return found


# -- UK bank accounts ----------------------------------------------------------------------

_SORT_DASHED = re.compile(r"-\d\d-\d\d(?![0-9-])")
_SORT_CUE = re.compile(
    r"sort(?:ing)?[ -]?code\b[^0-9]{0,20}+(\d\d)[ -]?(\d\d)[ -]?(\d\d)(?![0-9-])"
)
_ACCOUNT = re.compile(r"\d{8}(?![0-9])")
_NEAR = 60


def _sort_codes(text: str, low: str) -> dict[int, tuple[str, int]]:
    """Start → (six digits, end) of every sort code: NN-NN-NN, or six digits after a cue."""
    found = {}
    for m in _SORT_DASHED.finditer(text):
        start = m.start() - 2
        if (
            start >= 0
            and text[start : m.start()].isdigit()
            and not (start > 0 and (text[start - 1].isdigit() or text[start - 1] == "-"))
        ):
            found[start] = (text[start : m.end()].replace("-", ""), m.end())
    for m in _SORT_CUE.finditer(low):
        if not _glued(low, m.start()) and not _glued(low, m.start(1)):
            found[m.start(1)] = (m.group(1) + m.group(2) + m.group(3), m.end())
    return found


def _uk_accounts(text: str, low: str) -> set[tuple[str, str]]:
    """Every 8-digit number within ``_NEAR`` characters after a sort code (or before it:
    "Account 12345678 Sort code 20-00-00") pairs with it."""
    sort_codes = _sort_codes(text, low)
    # Only the stretches around sort codes are scanned for account numbers.
    windows: list[list[int]] = []
    for start in sorted(sort_codes):
        low_end, high_end = max(0, start - _NEAR - 8), sort_codes[start][1] + _NEAR + 8
        if windows and low_end <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high_end)
        else:
            windows.append([low_end, high_end])
    accounts = [
        (m.start(), m.group(0))
        for low_end, high_end in windows
        for m in _ACCOUNT.finditer(text, low_end, min(len(text), high_end))
        if not _alnum_at(text, m.start() - 1) and not _alnum_at(text, m.end())
    ]
    starts = [start for start, _ in accounts]
    found = set()
    for start, (sort_code, end) in sort_codes.items():
        first = bisect.bisect_left(starts, start - _NEAR - 8)
        last = bisect.bisect_right(starts, end + _NEAR)
        for at, account in accounts[first:last]:
            if at + 8 <= start or at >= end:
                found.add((sort_code, account))
    return found


def find(text: str) -> Found:
    """The validated identifiers in ``text`` (subject, body or an attachment's text)."""
    low = _lowered(text)
    return Found(
        vat_numbers=frozenset(_vat_numbers(text, low)),
        company_numbers=frozenset(_company_numbers(low)),
        ibans=frozenset(_ibans(text)),
        uk_accounts=frozenset(_uk_accounts(text, low)),
    )


# -- Names ---------------------------------------------------------------------------------

# Words that say what kind of body it is, not which one: dropped wherever they stand.
_SUFFIXES = frozenset({"ltd", "limited", "llp", "plc", "cic", "llc", "inc", "lp"})
_TRADING_AS = re.compile(r"\bt\s*/\s*a\b|\btrading\s+as\b")
_APOSTROPHES = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_text(text: str) -> str:
    """Lower case ASCII words separated by single spaces: accents folded, "&" spelt "and",
    apostrophes dropped ("Joe's" → "joes"), "t/a" and "trading as" dropped, every other mark a
    space. Names and the text they are looked for in go through the same hands."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _TRADING_AS.sub(" ", text.lower())
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return _NON_WORD.sub(" ", text).strip()


def normalise_name(name: str) -> str:
    """A client or company name as compared: ``normalise_text`` without the legal form
    (Ltd, Limited, LLP, PLC, CIC …, "& Co" at the end), a leading "The" and "t/a" /
    "trading as" ("J Smith t/a Smith Plumbing" → "j smith smith plumbing")."""
    words = [word for word in normalise_text(name).split() if word not in _SUFFIXES]
    if words and words[0] == "the":
        words = words[1:]
    if len(words) >= 2 and words[-1] in ("co", "company") and words[-2] == "and":
        words = words[:-2]
    elif len(words) >= 2 and words[-1] == "co":
        words = words[:-1]
    return " ".join(words)
