"""Helpers for the client tests: the client form filled in as a manager would, and the CSV
import's steps (rows of clients, a file, its upload, its preview) and what it leaves (the stored
files, the practice's counts, the import)."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from clients import csv_io
from clients.models import Client, ClientImport, Contact, Tag

VALID_CLIENT = {
    "name": "Acme Widgets Ltd",
    "short_code": "acme01",
    "entity_type": "limited_company",
    "company_number": "1234567",
    "vat_number": "GB 123 4567 89",
    "vat_frequency": "quarterly",
    "payroll_frequency": "monthly",
    "year_end_day": "31",
    "year_end_month": "3",
    "accounting_system": "xero",
    "currency": "gbp",
    "notes": "Director prefers email.",
    "tags_text": "retail, VAT cash scheme, retail",
}

IMPORT_URL = reverse("client_import")


def make_csv(rows, columns=csv_io.COLUMN_NAMES, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def upload(client, data: bytes, name: str = "clients.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def preview_url(client_import) -> str:
    return reverse("client_import_preview", args=[client_import.code])


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def counts(practice) -> dict:
    with practice_context(practice.pk):
        return {
            "clients": Client.objects.count(),
            "contacts": Contact.objects.count(),
            "tags": Tag.objects.count(),
            "imports": ClientImport.objects.count(),
        }


def the_import(practice) -> ClientImport:
    with practice_context(practice.pk):
        return ClientImport.objects.get()


def client_rows(n: int, **extra) -> list[dict]:
    return [
        {"name": f"Client {i} Ltd", "code": f"C{i:05d}", "entity_type": "Limited company", **extra}
        for i in range(1, n + 1)
    ]
