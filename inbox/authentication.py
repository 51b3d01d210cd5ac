"""Whether the receiving server authenticated the sender: ``read_authentication`` reads the
topmost Authentication-Results header only (the one our server added; those below it may come
from the sender) and says authenticated for dmarc=pass, or for spf=pass and dkim=pass with a
passing domain aligned with From's organisational domain.

Its own module because the rule is a security decision, read and reviewed on its own.
Pure: standard library only.
"""

import re
from collections.abc import Collection

from inbox.mail_text import header_text, strip_comments

# Second-level labels under which organisations register (example.co.uk, example.com.au):
# without them "compare the last two labels" would align attacker.co.uk with client.co.uk.
_SECOND_LEVEL = {"ac", "co", "com", "edu", "gov", "govt", "ltd", "me", "mil", "net", "nhs"}
_SECOND_LEVEL |= {"org", "plc", "police", "sch", "or", "ne", "go", "gob", "nom", "gen", "biz"}


def _organisation(domain: str) -> str:
    """The organisational domain, approximately: the last two labels, or three under a
    country's second level (co.uk, com.au...)."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _aligned(domain: str, from_domain: str) -> bool:
    domain = domain.rpartition("@")[2].strip().strip(".").lower()
    return bool(domain and from_domain) and _organisation(domain) == _organisation(from_domain)


_RESULT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([A-Za-z]+)")
_PROPERTY = re.compile(r"([A-Za-z]+)\.([A-Za-z0-9_-]+)\s*=\s*\"?([^\s;\"]+)")


def read_authentication(
    raw_value: str | None, from_address: str, trusted: Collection[str] | None = None
) -> tuple[bool, str]:
    """(authenticated, summary) from the topmost Authentication-Results only (the one our
    receiving server added; those below it may come from the sender). Authenticated when it
    says dmarc=pass, or spf=pass and dkim=pass with a passing domain aligned with From's.

    With ``trusted`` (authserv-ids, lowercase), a header another server wrote counts for
    nothing (RFC 8601 §5): a sender talking straight to our listener cannot vouch for itself."""
    if raw_value is None:
        return False, "no Authentication-Results"
    text = strip_comments(header_text(raw_value))[:10_000]
    authserv = text.split(";", 1)[0].strip().split(" ", 1)[0].strip().lower()
    if trusted is not None and authserv not in {t.lower() for t in trusted}:
        return False, f"Authentication-Results by {authserv[:100] or '(none)'}, not ours"
    from_domain = from_address.rpartition("@")[2]
    results: dict[str, list[tuple[str, dict[str, str]]]] = {"spf": [], "dkim": [], "dmarc": []}
    for segment in text.split(";")[1:]:
        match = _RESULT.match(segment)
        if not match or match.group(1).lower() not in results:
            continue
        props = {f"{p.lower()}.{q.lower()}": v.lower() for p, q, v in _PROPERTY.findall(segment)}
        results[match.group(1).lower()].append((match.group(2).lower(), props))
    if not any(results.values()):
        return False, "Authentication-Results without spf, dkim or dmarc"
    if not from_domain:
        return False, "no usable From address"

    def passing(method: str, *keys: str) -> list[str]:
        return [
            next((props[k] for k in keys if props.get(k)), "")
            for result, props in results[method]
            if result == "pass"
        ]

    dmarc = passing("dmarc", "header.from")
    if any(domain == "" or _aligned(domain, from_domain) for domain in dmarc):
        return True, "dmarc=pass"
    spf, dkim = passing("spf", "smtp.mailfrom"), passing("dkim", "header.d", "header.i")
    if spf and dkim:
        if any(_aligned(d, from_domain) for d in spf + dkim):
            return True, "spf=pass dkim=pass (aligned)"
        return False, "spf=pass dkim=pass (not aligned with From)"
    said = [f"{m}={results[m][0][0]}" for m in ("dmarc", "spf", "dkim") if results[m]]
    return False, " ".join(said)
