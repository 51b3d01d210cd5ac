"""The Deliver panel's title goes into the client's email subject: it stays on one line; the
message may run over several lines but takes no NUL or control character. Nothing is published
when either is refused."""

import datetime

import pytest
from django.test import Client as HttpClient

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.tasks import PackFactory
from tests.helpers import sign_in
from tests.portal.helpers import counts, panel

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def pack(practice, staff, manager):
    """October's pack, reviewed, ready to deliver."""
    return PackFactory(
        practice=practice,
        client=ClientFactory(practice=practice, name="Harbourview Bakery Ltd"),
        period=OCTOBER,
        preparer=staff,
        reviewer=manager,
        review_done_at=wall_clock.now(),
        current_stage="deliver",
    )


@pytest.fixture
def accounts_pdf(practice, pack):
    return DocumentFactory(
        practice=practice, client=pack.client, period=OCTOBER, doc_type="management_accounts"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "October\r\nBcc: everyone@example.com", "Keep this on one line"),
        ("message", "Here they are\x00", "Remove the null character (NUL) from this text."),
    ],
)
def test_a_delivery_with_a_bad_title_or_message_is_not_published(
    staff, practice, pack, accounts_pdf, field, value, message
):
    http = sign_in(HttpClient(), staff)
    data = {"documents": [str(accounts_pdf.code)], "title": "October", "message": "Hello"}
    data[field] = value
    response = http.post(f"/packs/{pack.code}/deliver/", data)
    assert response.status_code == 200
    assert message in panel(response.content.decode())
    assert counts(practice)[0] == 0
