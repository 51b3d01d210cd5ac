"""The practice's name and a new member's name go into email senders and subjects: they stay on
one line, with a clear message, and nothing is stored when they do not."""

import pytest

from atlasos.accounts.models import Invitation
from atlasos.tenancy.context import practice_context
from tests.helpers import sign_in

ONE_LINE = "Keep this on one line (it has a line break)."


@pytest.mark.parametrize("name", ["Harbour & Co\r\nBcc: all@example.com", "Harbour\nCo"])
def test_a_practice_name_with_a_line_break_is_refused_and_the_old_one_kept(
    client, practice, partner, name
):
    sign_in(client, partner)
    response = client.post(
        "/settings/practice/",
        {
            "name": name,
            "country": "GB",
            "timezone": "Europe/London",
            "pack_release_offset": "0",
        },
    )
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    practice.refresh_from_db()
    assert practice.name == "Harbour & Co Bookkeeping"


def test_an_invitation_with_a_name_on_two_lines_is_refused(client, practice, partner):
    sign_in(client, partner)
    response = client.post(
        "/settings/team/invite/",
        {"email": "new.person@example.com", "full_name": "New\r\nPerson", "role": "staff"},
    )
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    with practice_context(practice.pk):
        assert not Invitation.objects.exists()
