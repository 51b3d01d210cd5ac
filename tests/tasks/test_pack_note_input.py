"""A checklist item's note goes through a form: a NUL byte or another control character (which
PostgreSQL refuses, answering 500) or an overlong note gets a clear message and the note the item
had is kept; line breaks and tabs are fine in a note."""

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from tasks.models import PackEvent
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import HTMX, reload, sign_in


@pytest.fixture
def item(practice):
    pack = PackFactory(practice=practice)
    return PackItemFactory(practice=practice, pack=pack, title="Bank statements", note="Old note")


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


def note_events(item) -> int:
    with practice_context(item.practice_id):
        return PackEvent.objects.filter(item_id=item.pk, action="note").count()


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("Chased\x00 the client", "Remove the null character (NUL) from this text."),
        ("\x00", "Remove the null character (NUL) from this text."),
        ("Chased \x1b[31mred", "Remove the invisible control character U+001B from this text."),
        ("x" * 5001, "A note can be at most 5,000 characters (this one has 5001)."),
    ],
    ids=["nul", "only-nul", "escape", "too-long"],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_note_is_refused_with_a_message_and_the_old_note_is_kept(
    http, item, note, message, headers
):
    response = http.post(
        f"/pack-items/{item.code}/note/", {"note": note}, headers=headers, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Note not saved on “Bank statements”" in page
    assert message in page
    assert reload(item).note == "Old note"
    assert note_events(item) == 0


def test_a_note_keeps_its_lines_and_tabs(http, item):
    response = http.post(f"/pack-items/{item.code}/note/", {"note": "Line one\r\n\tline two"})
    assert response.status_code == 302
    assert reload(item).note == "Line one\r\n\tline two"
    assert note_events(item) == 1
