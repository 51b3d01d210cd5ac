"""The ``Authentication-Results`` header the inbox writes on top of every message a provider
posts (``inbox.webhooks``).

Message parsing trusts only the topmost ``Authentication-Results`` header. In a posted
message the topmost one may have been written by the sender (nothing below the provider adds
one), so each delivery gets one of ours prepended, stating only what the provider itself
verified and posted beside the message. Only known result words and plain domain names go
in, so nothing the sender wrote can shape it.
"""

import re

from django.conf import settings

RESULTS = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}
DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$")


def _result(value) -> str:
    """A verdict as RFC 8601 spells it, or "none" for anything else."""
    word = str(value or "").strip().split(" ", 1)[0].split("(", 1)[0].lower()
    return word if word in RESULTS else "none"


def _domain(address) -> str:
    """The domain of ``address`` when it is a plain DNS name, else "" (never written)."""
    domain = str(address or "").strip().strip("<>").rpartition("@")[2].lower().rstrip(".")
    return domain if len(domain) <= 253 and DOMAIN.match(domain) else ""


def verdict_header(
    provider: str,
    *,
    spf=None,
    mail_from: str = "",
    dkim: list[tuple[str, str]] = (),
    dmarc=None,
    header_from: str = "",
) -> str:
    """An ``Authentication-Results`` header of ours stating what ``provider`` verified: only
    known result words and plain domains go in, so nothing the sender wrote can shape it."""
    results = []
    if spf is not None:
        result = _result(spf)
        domain = _domain(mail_from)
        results.append(f"spf={result} smtp.mailfrom={domain}" if domain else f"spf={result}")
    for result, domain in dkim:
        domain = _domain(f"@{domain}")
        if domain:
            results.append(f"dkim={_result(result)} header.d={domain}")
    if dmarc is not None:
        domain = _domain(header_from)
        result = _result(dmarc)
        results.append(f"dmarc={result} header.from={domain}" if domain else f"dmarc={result}")
    body = "; ".join(results) if results else "none"
    authserv = settings.ATLAS_INBOX_DOMAIN
    return f"Authentication-Results: {authserv} (verdicts of {provider}); {body}"


def with_verdict(raw: bytes, header: str) -> bytes:
    """``raw`` with ``header`` on top, in the message's own line endings."""
    first_line = raw.split(b"\n", 1)[0]
    newline = b"\r\n" if first_line.endswith(b"\r") or not raw else b"\n"
    return header.encode("ascii") + newline + raw


def first_header(headers, name: str) -> str:
    """The first (topmost) ``name`` in a provider's list of headers: the provider's own, which
    it writes above the message's original headers."""
    for header_name, value in headers:
        if str(header_name).lower() == name.lower():
            return str(value)
    return ""
