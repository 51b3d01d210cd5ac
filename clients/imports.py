"""Bulk onboarding from CSV: store the upload, preview it, import it in one transaction; and
the export that writes the same columns.

The file is parsed again at every step (preview, confirm) against the practice as it is then,
so a code taken or a member deactivated since the upload is caught before anything is written.
"""

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch

from atlasos import clock
from atlasos.tenancy.context import practice_context, require_practice_id
from clients import csv_io, csv_validate
from clients.extensions import clients_imported
from clients.forms import team_members
from clients.models import Client, ClientContact, ClientImport, ClientTag, Contact, Tag

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
PREVIEW_ERROR_ROWS = 200
PREVIEW_VALID_ROWS = 50
EXPORT_CHUNK_SIZE = 2000


class StoredFileMissing(Exception):
    """The uploaded file is gone (purged after 24 hours, or never stored)."""


class AlreadyImported(Exception):
    pass


class ImportRejected(Exception):
    """Validation failed at confirm time: nothing was written."""

    def __init__(self, preview: "Preview"):
        super().__init__("The file has errors.")
        self.preview = preview


@dataclass
class Preview:
    """What the preview page shows about an upload."""

    total_rows: int = 0
    valid_count: int = 0
    error_count: int = 0
    error_rows: list[csv_io.ClientRow] = field(default_factory=list)
    valid_rows: list[csv_io.ClientRow] = field(default_factory=list)
    new_tags: int = 0
    new_contacts: int = 0
    linked_contacts: int = 0
    file_error: str = ""

    @property
    def can_import(self) -> bool:
        return not self.file_error and not self.error_count and self.valid_count > 0

    @property
    def hidden_error_rows(self) -> int:
        return self.error_count - len(self.error_rows)

    @property
    def hidden_valid_rows(self) -> int:
        return self.valid_count - len(self.valid_rows)


# --- storage ---------------------------------------------------------------------------------


def _key_prefix(practice_id: int | None = None) -> str:
    return f"practices/{practice_id or require_practice_id()}/imports/"


def _owned(key: str, practice_id: int | None = None) -> bool:
    # Storage keys carry the practice: never read or delete a key outside this practice's
    # prefix, whatever the row says.
    return key.startswith(_key_prefix(practice_id))


def delete_stored_file(key: str, practice_id: int) -> None:
    if not _owned(key, practice_id):
        logger.warning("client import file %s is outside the practice's prefix; left alone", key)
        return
    try:
        default_storage.delete(key)
    except OSError:
        logger.exception("could not delete client import file %s", key)


def read_stored_file(client_import: ClientImport) -> bytes:
    if not _owned(client_import.storage_key):
        raise StoredFileMissing(client_import.storage_key)
    try:
        with default_storage.open(client_import.storage_key, "rb") as stored:
            return stored.read()
    except OSError as exc:  # FileNotFoundError included
        raise StoredFileMissing(client_import.storage_key) from exc


def _limits() -> dict:
    return {
        "max_bytes": settings.ATLASOS_CLIENT_IMPORT_MAX_BYTES,
        "max_rows": settings.ATLASOS_CLIENT_IMPORT_MAX_ROWS,
    }


def store_upload(uploaded_file, *, user) -> ClientImport:
    """Check the file can be read as a whole, then keep it for the preview.

    1. Refuse an oversized file before reading it, then any file-level problem
       (``CsvFileError``): nothing is stored.
    2. Save the bytes under a random key prefixed by the practice.
    3. Record a ClientImport awaiting confirmation (the file is removed if that fails).
    """
    limits = _limits()
    if uploaded_file.size is not None:
        csv_io.check_size(uploaded_file.size, max_bytes=limits["max_bytes"])
    data = uploaded_file.read(limits["max_bytes"] + 1)
    table = csv_io.read_table(data, **limits)
    key = default_storage.save(f"{_key_prefix()}{uuid.uuid4()}.csv", ContentFile(data))
    try:
        return ClientImport.objects.create(
            file_name=(uploaded_file.name or "clients.csv")[:255],
            storage_key=key,
            uploaded_by=user,
            row_count=len(table.records),
        )
    except Exception:
        default_storage.delete(key)
        raise


# --- preview and import ----------------------------------------------------------------------


def load_lookups() -> csv_io.Lookups:
    """Existing client codes and the practice's active team: one query each."""
    members = {
        email.lower(): csv_io.Member(id=pk, email=email, full_name=full_name, role=role)
        for pk, email, full_name, role in team_members(require_practice_id()).values_list(
            "pk", "email", "full_name", "role"
        )
    }
    codes = frozenset(Client.objects.values_list("short_code", flat=True))
    return csv_io.Lookups(existing_codes=codes, members=members)


def _existing_tags() -> dict[str, Tag]:
    return {tag.name.lower(): tag for tag in Tag.objects.all()}


def _existing_contacts() -> dict[str, Contact]:
    return {contact.email.lower(): contact for contact in Contact.objects.exclude(email="")}


def parse_stored(client_import: ClientImport) -> csv_io.ParsedFile:
    """Parse the stored file against the practice as it is now (raises ``CsvFileError`` or
    ``StoredFileMissing``)."""
    return csv_validate.parse_clients(read_stored_file(client_import), load_lookups(), **_limits())


def _summarise(parsed: csv_io.ParsedFile) -> Preview:
    error_rows = parsed.error_rows
    valid_rows = parsed.valid_rows
    preview = Preview(
        total_rows=len(parsed.rows),
        valid_count=len(valid_rows),
        error_count=len(error_rows),
        error_rows=error_rows[:PREVIEW_ERROR_ROWS],
        valid_rows=valid_rows[:PREVIEW_VALID_ROWS],
    )
    tags = {name.lower() for row in valid_rows for name in row.tags}
    preview.new_tags = len(tags - set(_existing_tags()))
    emails = {row.contact_email for row in valid_rows if row.contact_email}
    known = set(_existing_contacts())
    preview.linked_contacts = len(emails & known)
    preview.new_contacts = len(emails - known) + sum(
        1 for row in valid_rows if row.contact_name and not row.contact_email
    )
    return preview


def build_preview(client_import: ClientImport) -> Preview:
    try:
        parsed = parse_stored(client_import)
    except csv_io.CsvFileError as exc:
        return Preview(file_error=exc.message)
    except StoredFileMissing:
        return Preview(
            file_error="The uploaded file is no longer here (uploads are kept for 24 hours). "
            "Upload it again."
        )
    return _summarise(parsed)


def _create_clients(rows: list[csv_io.ClientRow]) -> int:
    """Write the rows with bulk inserts: clients, then tags, contacts and the links."""
    clients = [
        Client(
            name=row.name,
            short_code=row.code,
            entity_type=row.entity_type,
            company_number=row.company_number,
            vat_number=row.vat_number,
            vat_frequency=row.vat_frequency,
            payroll_frequency=row.payroll_frequency,
            year_end_month=row.year_end_month,
            year_end_day=row.year_end_day,
            accounting_system=row.accounting_system,
            currency=row.currency,
            preparer_id=row.preparer.id if row.preparer else None,
            reviewer_id=row.reviewer.id if row.reviewer else None,
            notes=row.notes,
        )
        for row in rows
    ]
    Client.objects.bulk_create(clients, batch_size=BATCH_SIZE)

    tags = _existing_tags()
    new_tags = {}
    for row in rows:
        for name in row.tags:
            if name.lower() not in tags and name.lower() not in new_tags:
                new_tags[name.lower()] = Tag(name=name)
    Tag.objects.bulk_create(new_tags.values(), batch_size=BATCH_SIZE)
    tags.update(new_tags)
    ClientTag.objects.bulk_create(
        (
            ClientTag(client_id=client.pk, tag_id=tags[name.lower()].pk)
            for client, row in zip(clients, rows, strict=True)
            for name in row.tags
        ),
        batch_size=BATCH_SIZE,
    )

    # One person may be the contact of several clients: one Contact per email address, the
    # practice's existing one when there is one, else the first row's name and phone.
    contacts = _existing_contacts()
    new_contacts: list[Contact] = []
    row_contacts: list[Contact | None] = []
    for row in rows:
        contact = None
        if row.contact_email:
            contact = contacts.get(row.contact_email)
            if contact is None:
                contact = Contact(
                    name=row.contact_name, email=row.contact_email, phone=row.contact_phone
                )
                contacts[row.contact_email] = contact
                new_contacts.append(contact)
        elif row.contact_name:
            contact = Contact(name=row.contact_name, phone=row.contact_phone)
            new_contacts.append(contact)
        row_contacts.append(contact)
    Contact.objects.bulk_create(new_contacts, batch_size=BATCH_SIZE)
    ClientContact.objects.bulk_create(
        (
            ClientContact(client_id=client.pk, contact_id=contact.pk)
            for client, contact in zip(clients, row_contacts, strict=True)
            if contact is not None
        ),
        batch_size=BATCH_SIZE,
    )
    clients_imported.send(sender=Client, practice_id=require_practice_id())
    return len(clients)


def confirm_import(client_import: ClientImport) -> int:
    """Import every row of the file, or nothing.

    1. Claim the import with a conditional UPDATE (PREVIEW → IMPORTED): a second confirm,
       even a concurrent one, finds nothing to claim and raises ``AlreadyImported``.
    2. Parse the stored file again against the practice as it is now; any error raises
       ``ImportRejected`` (or ``CsvFileError`` / ``StoredFileMissing``), rolling the claim back.
    3. Bulk-insert clients, tags, contacts and links, record the count.
    4. After commit, delete the stored file.
    Returns the number of clients imported.
    """
    with transaction.atomic():
        claimed = ClientImport.objects.filter(
            pk=client_import.pk, state=ClientImport.State.PREVIEW
        ).update(state=ClientImport.State.IMPORTED, imported_at=clock.now())
        if not claimed:
            if not ClientImport.objects.filter(pk=client_import.pk).exists():
                raise StoredFileMissing(client_import.storage_key)  # purged meanwhile
            raise AlreadyImported
        parsed = parse_stored(client_import)
        if not parsed.is_valid:
            raise ImportRejected(_summarise(parsed))
        count = _create_clients(parsed.rows)
        ClientImport.objects.filter(pk=client_import.pk).update(row_count=count)
        transaction.on_commit(
            partial(delete_stored_file, client_import.storage_key, client_import.practice_id)
        )
    client_import.refresh_from_db()
    return count


# --- export ----------------------------------------------------------------------------------


def _export_row(client: Client) -> csv_io.ClientRow:
    def member(user) -> csv_io.Member | None:
        if user is None:
            return None
        return csv_io.Member(id=user.pk, email=user.email, full_name=user.full_name, role=user.role)

    links = client.client_contacts.all()
    contact = links[0].contact if links else None
    return csv_io.ClientRow(
        name=client.name,
        code=client.short_code,
        entity_type=client.entity_type,
        company_number=client.company_number,
        vat_number=client.vat_number,
        vat_frequency=client.vat_frequency,
        payroll_frequency=client.payroll_frequency,
        year_end_month=client.year_end_month,
        year_end_day=client.year_end_day,
        accounting_system=client.accounting_system,
        currency=client.currency,
        preparer=member(client.preparer),
        reviewer=member(client.reviewer),
        notes=client.notes,
        tags=[tag.name for tag in client.tags.all()],
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "",
    )


def export_lines(queryset, practice_id: int) -> Iterator[str]:
    """The clients of ``queryset`` as CSV lines, for a streaming response.

    The response is iterated after the view has returned, outside the middleware's practice
    context, so the generator re-enters the practice for as long as it reads the database.
    Queries: the clients (with preparer and reviewer joined), then their tags and their
    contacts, once per chunk of 2,000 clients.
    """
    with practice_context(practice_id):
        clients = (
            queryset.select_related("preparer", "reviewer")
            .prefetch_related(
                Prefetch("tags", queryset=Tag.objects.order_by("name")),
                Prefetch(
                    "client_contacts",
                    queryset=ClientContact.objects.select_related("contact").order_by(
                        "created_at", "pk"
                    ),
                ),
            )
            .iterator(chunk_size=EXPORT_CHUNK_SIZE)
        )
        yield from csv_io.csv_lines(_export_row(client) for client in clients)


def example_rows(user) -> list[csv_io.ClientRow]:
    """Two clients that import as they are into the signed-in member's practice."""
    me = csv_io.Member(id=user.pk, email=user.email, full_name=user.full_name, role=user.role)
    return [
        csv_io.ClientRow(
            name="Acme Trading Ltd",
            code="ACME01",
            entity_type="limited_company",
            company_number="01234567",
            vat_number="GB123456789",
            vat_frequency="quarterly",
            payroll_frequency="monthly",
            year_end_month=3,
            year_end_day=31,
            accounting_system="xero",
            preparer=me,
            reviewer=me if me.can_review else None,
            tags=["retail", "VAT cash scheme"],
            contact_name="Jane Smith",
            contact_email="jane@acme.example.com",
            contact_phone="+44 20 7946 0000",
        ),
        csv_io.ClientRow(
            name="Jane Smith",
            code="SMITHJ",
            entity_type="sole_trader",
            year_end_month=4,
            year_end_day=5,
            accounting_system="quickbooks",
            notes="Self-assessment client; books kept quarterly.",
            contact_name="Jane Smith",
            contact_email="jane@acme.example.com",
        ),
    ]
