"""The MT940 ':86:' field (information to the account owner), read per bank family.

Banks fill :86: in one of three ways, and each needs its own processor:

- German and Austrian "GVC" sub-fields (also Triodos, with '>' for '?'): a three-digit business
  code, then ?00 posting text, ?20..?29 and ?60..?63 purpose, ?30 bank code, ?31 account,
  ?32/?33 counterparty name. The purpose may carry SEPA keys (EREF+, SVWZ+, ...).
- Dutch structured (ABN AMRO, ING, Rabobank, ASN): /TRTP/SEPA OVERBOEKING/IBAN/.../NAME/...
  /REMI/.../EREF/...
- Free text (UK banks, older Dutch formats): the whole field is the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NONE"}


@dataclass(frozen=True)
class Details:
    description: str = ""
    counterparty: str = ""
    reference: str = ""


def read_details(raw: str) -> Details:
    """Pick the processor for this :86: text (continuation lines separated by newlines)."""
    if _GVC_START.match(raw.lstrip()):
        return _german(raw.strip())
    flat = raw.replace("\n", "").strip()
    if _DUTCH_KEY.match(flat):
        return _dutch(flat)
    return Details(description=_free_text(raw))


def _free_text(raw: str) -> str:
    return " ".join(" ".join(line.split()) for line in raw.splitlines() if line.strip())


# German GVC ------------------------------------------------------------------------------------

_GVC_START = re.compile(r"\d{3}[?>]\d")
_SEPA_KEYS = ("EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA", "ABWE")
_SEPA_KEY = re.compile(r"\b(" + "|".join(_SEPA_KEYS) + r")\+")
_PURPOSE_KEYS = [f"{n}" for n in range(20, 30)] + [f"{n}" for n in range(60, 64)]
# Each sub-field holds at most 27 characters; a full one was cut mid-word by the bank.
_GVC_FIELD_LENGTH = 27


def _german(raw: str) -> Details:
    # Lines wrap at 65 characters, even inside a '?2' '2' marker, so join them without a space.
    text = raw.replace("\n", "")
    separator = text[3]
    parts = re.split(re.escape(separator) + r"(\d{2})", text[3:])
    fields: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        fields.setdefault(key, value)
    purpose = _join_fields(fields.get(key, "") for key in _PURPOSE_KEYS)
    name = _join_fields([fields.get("32", ""), fields.get("33", "")])
    sepa = _sepa_values(purpose)
    description = sepa.get("SVWZ") or purpose or fields.get("00", "").strip()
    reference = sepa.get("EREF", "")
    if reference.upper() in NO_REFERENCE:
        reference = ""
    return Details(description=description, counterparty=name, reference=reference)


def _join_fields(values) -> str:
    joined = previous = ""
    for value in values:
        if not value:
            continue
        if joined and len(previous) < _GVC_FIELD_LENGTH:
            joined += " "
        joined += value
        previous = value
    return " ".join(joined.split())


def _sepa_values(purpose: str) -> dict[str, str]:
    parts = _SEPA_KEY.split(purpose)
    if len(parts) == 1:
        return {}
    values: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        values.setdefault(key, value.strip())
    return values


# Dutch structured ------------------------------------------------------------------------------

_DUTCH_KEYS = (
    "TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "MARF", "CSID", "ORDP", "BENM", "CNTP",
    "ISDT", "RTRN", "PREF", "ULTB", "ULTC", "ULTD", "PURP", "SVCL", "ADDR", "FX", "EXCH",
    "OCMT", "CHGS", "RTYP", "SWOC", "BUSP", "ACCW", "IDTP",
)  # fmt: skip
_DUTCH_KEY = re.compile(r"/(" + "|".join(sorted(set(_DUTCH_KEYS), key=len, reverse=True)) + r")/")


def _dutch(text: str) -> Details:
    values: dict[str, str] = {}
    matches = list(_DUTCH_KEY.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        values.setdefault(match.group(1), text[match.end() : end].strip("/ "))
    remittance = _remittance(values.get("REMI", ""))
    counterparty = values.get("NAME", "")
    if not counterparty and values.get("CNTP"):
        # ING: /CNTP/<IBAN>/<BIC>/<name>/<city>/
        parts = values["CNTP"].split("/")
        counterparty = parts[2] if len(parts) > 2 else ""
    # The end-to-end id, else the batch id (ING PREF), else a structured creditor reference.
    references = [values.get("EREF", ""), values.get("PREF", "")]
    if remittance.structured:
        references.append(remittance.text)
    reference = next((ref for ref in references if ref.upper() not in NO_REFERENCE), "")
    description = remittance.text or values.get("TRTP", "") or counterparty
    return Details(
        description=" ".join(description.split()),
        counterparty=" ".join(counterparty.split()),
        reference=reference.strip(),
    )


@dataclass(frozen=True)
class _Remittance:
    text: str
    structured: bool


def _remittance(value: str) -> _Remittance:
    # ING writes /REMI/USTD//free text/ or /REMI/STRD/CUR/creditor reference/.
    if value.startswith("USTD"):
        return _Remittance(value[4:].strip("/ "), structured=False)
    if value.startswith("STRD"):
        parts = [part for part in value[4:].split("/") if part]
        if parts and parts[0] in ("CUR", "ISO"):
            parts = parts[1:]
        return _Remittance("/".join(parts).strip(), structured=True)
    return _Remittance(value, structured=False)
