"""Harbour Demo Ltd's trial balances (tests/reporting/files) through the import views."""

import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

FILES = Path(__file__).parent / "files"
NOVEMBER = datetime.date(2026, 11, 1)
IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def upload(client, harbour, name, period="2026-11", content=None):
    data = content if content is not None else (FILES / name).read_bytes()
    return client.post(
        reverse("reporting:import", args=[harbour.code]),
        {"period": period, "file": SimpleUploadedFile(name, data)},
    )


def save(client, harbour, response, period="2026-11"):
    """Press "Save" on the preview ``response``."""
    context = response.context
    return client.post(
        reverse("reporting:import", args=[harbour.code]),
        {
            "step": "save",
            "data": context["data"],
            "filename": context["filename"],
            "period": period,
            "columns": context["columns_json"],
        },
    )


def explain_variances(client, harbour, period="2026-11"):
    """The preparer comments every material variance of the month, as review requires."""
    url = reverse("reporting:accounts", args=[harbour.code]) + f"?period={period}"
    for variance in client.get(url).context["variances"]:
        client.post(
            reverse("reporting:variance_comment", args=[harbour.code]),
            {
                "period": period,
                "line": variance.key,
                "against": variance.against,
                "text": f"{variance.label}: explained.",
            },
        )
