"""A trial balance export is small: a file over ``reporting.imports.MAX_BYTES`` (2 MB) is
refused with a message saying so, whether uploaded or posted back from a preview, and nothing
is stored; a file of exactly the limit is read."""

import base64
import html

from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.imports import MAX_BYTES
from reporting.models import TrialBalance, TrialBalanceLine
from tests.reporting.helpers import FILES, save, upload

NOVEMBER = (FILES / "xero_old_2026-11.csv").read_bytes()


def padded(size: int) -> bytes:
    """November's Xero trial balance, blank lines added after it up to ``size`` bytes."""
    return NOVEMBER + b"\n" * (size - len(NOVEMBER))


def stored(practice) -> tuple[int, int]:
    with practice_context(practice.pk):
        return TrialBalance.objects.count(), TrialBalanceLine.objects.count()


def test_an_upload_over_the_limit_is_refused_and_nothing_stored(signed_in, practice, harbour):
    response = upload(signed_in, harbour, "tb.csv", content=padded(MAX_BYTES + 1))
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert (
        "The file is 2049 KB: a trial balance export is at most 2 MB. Is this the right file?"
        in text
    )
    assert "Save the trial balance" not in text
    assert stored(practice) == (0, 0)


def test_a_file_over_the_limit_posted_back_from_a_preview_is_refused(signed_in, practice, harbour):
    """An old preview tab, or a script, posting the file itself with "Save"."""
    response = signed_in.post(
        reverse("reporting:import", args=[harbour.code]),
        {
            "step": "save",
            "data": base64.b64encode(padded(MAX_BYTES + 1)).decode(),
            "filename": "tb.csv",
            "period": "2026-11",
            "columns": "",
        },
    )
    assert response.status_code == 400
    assert (
        "tb.csv is 2049 KB: a trial balance export is far smaller (at most 2 MB). "
        "Is this the right file?" in html.unescape(response.content.decode())
    )
    assert stored(practice) == (0, 0)


def test_a_file_of_exactly_the_limit_is_read_and_saved(signed_in, practice, harbour):
    preview = upload(signed_in, harbour, "tb.csv", content=padded(MAX_BYTES))
    assert preview.status_code == 200
    assert "Read as: Xero" in html.unescape(preview.content.decode())
    assert stored(practice) == (0, 0)  # a preview stores nothing
    assert save(signed_in, harbour, preview).status_code == 302
    assert stored(practice) == (1, 16)
