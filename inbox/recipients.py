"""Who a message was for, read from its headers when the channel does not say (a file drop,
an IMAP mailbox): the delivery headers first (what the receiving server wrote), then To and Cc."""

import email.parser
import email.policy
import email.utils

HEADER_LIMIT = 256 * 1024
DELIVERY_HEADERS = ("delivered-to", "x-original-to", "envelope-to", "x-forwarded-to")
VISIBLE_HEADERS = ("to", "cc")


def header_recipients(raw: bytes) -> list[str]:
    """Addresses in the message's delivery headers, then in To and Cc, lowercased, in order,
    without repeats. Never raises: headers that cannot be read give nothing."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            raw[:HEADER_LIMIT]
        )
    except Exception:
        return []
    found: list[str] = []
    for name in DELIVERY_HEADERS + VISIBLE_HEADERS:
        try:
            values = [str(v) for v in headers.get_all(name) or []]
            pairs = email.utils.getaddresses(values)
        except Exception:
            continue
        for _, address in pairs:
            address = address.strip().lower()
            if "@" in address and address not in found:
                found.append(address)
    return found
