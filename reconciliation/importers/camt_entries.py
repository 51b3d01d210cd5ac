"""camt ``Ntry`` elements to statement lines.

An entry is one booking on the account. A batch entry (one ``Ntry`` with several ``TxDtls``)
becomes one line per transaction when the transactions carry amounts that add up to the entry,
so each can be matched on its own; otherwise it stays one line for the entry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from xml.etree.ElementTree import Element

from reconciliation.importers.camt_xml import Reader, children, find, text, texts
from reconciliation.statements import StatementLine

NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NONE"}
# Entries not (yet) booked: pending, information only, future. They do not move the balance.
UNBOOKED = {"PDNG", "INFO", "FUTR"}


@dataclass(frozen=True)
class _Transaction:
    """What a ``TxDtls`` says about one payment."""

    amount: Decimal | None
    description: str
    counterparty: str
    reference: str
    bank_id: str


def is_booked(entry: Element) -> bool:
    status = find(entry, "Sts")
    code = text(status, "Cd") or text(status)  # <Sts>BOOK</Sts> up to .07, <Sts><Cd> from .08
    return code not in UNBOOKED


def entry_lines(entry: Element, where: str, reader: Reader) -> list[StatementLine]:
    sign = reader.sign(entry, where)
    amount = sign * reader.amount(find(entry, "Amt"), f"{where}/Amt")
    value_date = reader.date(find(entry, "ValDt"), f"{where}/ValDt")
    booking_date = reader.date(find(entry, "BookgDt"), f"{where}/BookgDt") or value_date
    if booking_date is None:
        raise reader.error(
            f"{where}/BookgDt", "the entry has neither a booking date (BookgDt) nor a value date"
        )
    bank_id = text(entry, "AcctSvcrRef") or text(entry, "NtryRef")
    details = [
        (tx, f"{where}/NtryDtls[{n}]/TxDtls[{m}]")
        for n, entry_details in enumerate(children(entry, "NtryDtls"), start=1)
        for m, tx in enumerate(children(entry_details, "TxDtls"), start=1)
    ]
    transactions = [_transaction(tx, tx_where, sign, reader) for tx, tx_where in details]
    prefix = "Reversal: " if text(entry, "RvslInd").lower() in ("true", "1") else ""
    base = StatementLine(booking_date=booking_date, amount=amount, value_date=value_date)

    if len(transactions) > 1 and _adds_up(transactions, amount):
        own_ids = [tx.bank_id for tx in transactions]
        unique_ids = all(own_ids) and len(set(own_ids)) == len(own_ids)
        return [
            replace(
                base,
                amount=tx.amount,
                description=prefix + tx.description,
                counterparty=tx.counterparty,
                reference=tx.reference,
                bank_id=tx.bank_id if unique_ids else _numbered(bank_id, number),
            )
            for number, tx in enumerate(transactions, start=1)
        ]

    if len(transactions) <= 1:
        tx = transactions[0] if transactions else None
        # Wise and others describe the entry only in AddtlNtryInf.
        description = (tx.description if tx else "") or text(entry, "AddtlNtryInf")
        return [
            replace(
                base,
                description=prefix + description,
                counterparty=tx.counterparty if tx else "",
                reference=tx.reference if tx else "",
                bank_id=bank_id or (tx.bank_id if tx else ""),
            )
        ]

    # A batch whose parts cannot be separated: one line, with what the parts have in common.
    descriptions = list(dict.fromkeys(tx.description for tx in transactions if tx.description))
    batch_reference = text(find(entry, "NtryDtls"), "Btch/PmtInfId")
    return [
        replace(
            base,
            description=prefix + ("; ".join(descriptions) or text(entry, "AddtlNtryInf")),
            counterparty=_common(tx.counterparty for tx in transactions),
            reference=batch_reference or _common(tx.reference for tx in transactions),
            bank_id=bank_id,
        )
    ]


def _transaction(tx: Element, where: str, entry_sign: int, reader: Reader) -> _Transaction:
    amount_element = find(tx, "AmtDtls/TxAmt/Amt")
    amount_where = f"{where}/AmtDtls/TxAmt/Amt"
    if amount_element is None:
        amount_element, amount_where = find(tx, "Amt"), f"{where}/Amt"
    # From .03 a TxDtls may carry its own direction; before, it shares the entry's.
    sign = reader.sign(tx, where) if find(tx, "CdtDbtInd") is not None else entry_sign
    amount = None
    if amount_element is not None:
        amount = sign * reader.amount(amount_element, amount_where)

    unstructured = texts(tx, "RmtInf/Ustrd")
    creditor_references = [
        text(info, "CdtrRefInf/Ref") for info in children(find(tx, "RmtInf"), "Strd")
    ]
    creditor_references = [ref for ref in creditor_references if ref]
    description = " ".join(unstructured) or " ".join(creditor_references) or text(tx, "AddtlTxInf")
    end_to_end = text(tx, "Refs/EndToEndId")
    if end_to_end.upper() in NO_REFERENCE:
        end_to_end = ""
    reference = end_to_end or (creditor_references[0] if creditor_references else "")
    return _Transaction(
        amount=amount,
        description=description,
        counterparty=_other_party(find(tx, "RltdPties"), sign),
        reference=reference,
        bank_id=text(tx, "Refs/AcctSvcrRef"),
    )


def _other_party(parties: Element | None, sign: int) -> str:
    """Money in comes from the debtor; money out goes to the creditor."""
    roles = ("Dbtr", "UltmtDbtr") if sign > 0 else ("Cdtr", "UltmtCdtr")
    for role in roles:
        # Up to .07 the name is at Dbtr/Nm; from .08 at Dbtr/Pty/Nm.
        name = text(parties, f"{role}/Nm") or text(parties, f"{role}/Pty/Nm")
        if name:
            return name
    return ""


def _adds_up(transactions: list[_Transaction], entry_amount: Decimal) -> bool:
    amounts = [tx.amount for tx in transactions]
    return all(amount is not None for amount in amounts) and sum(amounts) == entry_amount


def _common(values) -> str:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else ""


def _numbered(bank_id: str, number: int) -> str:
    # Stable across re-imports, so a re-imported batch line is recognised as the same line.
    return f"{bank_id}/{number}" if bank_id else ""
