"""Inbound addresses: the practice's own (``<practice-slug>@<domain>``) and one per client
(``<practice-slug>+<token>@<domain>``, the token short, random and never the client code).

Looking an address up is the one read that happens before mail has a practice: it runs inside
``unscoped(...)``, by the exact local part, in a table outside row-level security (DESIGN.md §3).
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from atlasos import clock
from atlasos.tenancy.context import unscoped
from inbox.models import InboxAddress

TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud and typed safely
TOKEN_LENGTH = 10  # 32^10: about 10^15 addresses to guess from
SLUG_LENGTH = 40


def domain() -> str:
    return settings.ATLAS_INBOX_DOMAIN


def full(local_part: str) -> str:
    return f"{local_part}@{domain()}"


def retired_grace() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ATLAS_INBOX_RETIRED_DAYS)


def _new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _practice_row(practice) -> InboxAddress:
    with unscoped("inbox: the practice's own address"):
        row = InboxAddress.objects.filter(practice=practice, client=None).first()
        if row:
            return row
        base = slugify(practice.name)[:SLUG_LENGTH].strip("-") or "practice"
        for attempt in range(100):
            slug = base if attempt == 0 else f"{base[: SLUG_LENGTH - 4]}-{attempt + 1}"
            try:
                with transaction.atomic():
                    return InboxAddress.objects.create(local_part=slug, practice=practice)
            except IntegrityError:
                existing = InboxAddress.objects.filter(practice=practice, client=None).first()
                if existing:
                    return existing
        raise RuntimeError(f"no free inbox address for practice {practice.pk}")


def practice_address(practice) -> str:
    """The practice's inbound address, made the first time it is asked for."""
    return full(_practice_row(practice).local_part)


def _live_client_row(client) -> InboxAddress | None:
    return (
        InboxAddress.objects.filter(practice_id=client.practice_id, client=client, retired_at=None)
        .order_by("-pk")
        .first()
    )


def _create_client_row(client) -> InboxAddress:
    slug = _practice_row(client.practice).local_part
    while True:
        try:
            with transaction.atomic():
                return InboxAddress.objects.create(
                    local_part=f"{slug}+{_new_token()}",
                    practice_id=client.practice_id,
                    client=client,
                )
        except IntegrityError:  # a token already taken: draw again
            continue


def client_address(client) -> str:
    """The client's live inbound address, made the first time it is asked for."""
    with unscoped("inbox: a client's address"):
        row = _live_client_row(client) or _create_client_row(client)
    return full(row.local_part)


def client_addresses(clients) -> dict[int, str]:
    """Client id → its live inbound address, for many clients in one query (an address is made
    for a client that has none yet, as ``client_address`` does)."""
    clients = list(clients)
    with unscoped("inbox: clients' addresses"):
        rows = InboxAddress.objects.filter(
            client_id__in=[c.pk for c in clients], retired_at=None
        ).order_by("pk")
        found = {row.client_id: row.local_part for row in rows}
        for client in clients:
            if client.pk not in found:
                found[client.pk] = _create_client_row(client).local_part
    return {client_id: full(local) for client_id, local in found.items()}


def rotate_client_address(client) -> str:
    """A new address for the client; the old one keeps working for 30 days
    (``ATLAS_INBOX_RETIRED_DAYS``), then its mail goes to triage."""
    with unscoped("inbox: rotate a client's address"), transaction.atomic():
        InboxAddress.objects.filter(
            practice_id=client.practice_id, client=client, retired_at=None
        ).update(retired_at=clock.now())
        row = _create_client_row(client)
    return full(row.local_part)


def retired_addresses(client) -> list[tuple[str, datetime.datetime]]:
    """The client's rotated addresses still working, with when each stops."""
    with unscoped("inbox: a client's rotated addresses"):
        rows = InboxAddress.objects.filter(
            practice_id=client.practice_id,
            client=client,
            retired_at__gt=clock.now() - retired_grace(),
        ).order_by("-retired_at")
        return [(full(r.local_part), r.retired_at + retired_grace()) for r in rows]


@dataclass(frozen=True)
class Resolved:
    """What an address says: the practice, and the client when it is a live client address."""

    address: InboxAddress
    recipient: str  # as it was written to, lowercased
    practice_id: int
    client_id: int | None
    note: str = ""  # why a client address routes no client (expired, unknown token)


def split(address: str) -> tuple[str, str] | None:
    address = (address or "").strip().strip("<>").lower()
    local, at, host = address.rpartition("@")
    if not at or not local or not host:
        return None
    return local, host


def resolve(address: str) -> Resolved | None:
    """The inbox address ``address`` is, or None when it is not one of ours."""
    parts = split(address)
    if parts is None or parts[1] != domain() or len(parts[0]) > 64:
        return None
    local = parts[0]
    address = f"{local}@{parts[1]}"
    with unscoped("inbox: recipient address → practice"):
        row = InboxAddress.objects.filter(local_part=local).first()
        if row is None and "+" in local:
            # The practice's slug with a token we do not know (mistyped, or very old): the
            # practice still gets the mail, in triage.
            row = InboxAddress.objects.filter(
                local_part=local.split("+", 1)[0], client=None
            ).first()
            if row is None:
                return None
            return Resolved(
                row, address, row.practice_id, None, "the client part of the address is unknown"
            )
    if row is None:
        return None
    if row.client_id is None:
        return Resolved(row, address, row.practice_id, None)
    if row.retired_at and row.retired_at + retired_grace() <= clock.now():
        return Resolved(
            row,
            address,
            row.practice_id,
            None,
            f"sent to a client address retired on {row.retired_at:%d %b %Y}, "
            f"more than {settings.ATLAS_INBOX_RETIRED_DAYS} days ago",
        )
    return Resolved(row, address, row.practice_id, row.client_id)


def on_practice_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A new practice has its inbound address from the start: mail to it is never refused."""
    if created and not raw:
        _practice_row(instance)


def on_client_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A new client has its inbound address from the start."""
    if created and not raw:
        client_address(instance)


def is_known(address: str) -> bool:
    """Whether ``address`` is one of our inbox addresses (the SMTP listener's RCPT check)."""
    return resolve(address) is not None
