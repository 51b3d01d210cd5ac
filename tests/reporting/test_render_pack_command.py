"""``manage.py render_pack``: an operator names the client by its short code (or UUID) and,
when two practices have a client with that code, the practice by its name; the PDF written is
that client's pack. What cannot be rendered is a CommandError saying why, and no file."""

import io

import pypdf
import pytest
from django.core.management import CommandError, call_command

from atlasos.tenancy.context import practice_context
from reporting import imports
from tests.factories.clients import ClientFactory
from tests.reporting.helpers import FILES, NOVEMBER


def import_november(client, user):
    data = (FILES / "xero_old_2026-11.csv").read_bytes()
    with practice_context(client.practice_id):
        imports.save(client, NOVEMBER, imports.read_for(client, data, "tb.csv"), user)


@pytest.fixture
def twin(practice, harbour, partner, other_practice, other_partner):
    """Another practice's client with Harbour's short code, both with November's figures."""
    with practice_context(other_practice.pk):
        twin = ClientFactory(
            practice=other_practice,
            name="Quayside Twin Ltd",
            short_code=harbour.short_code,
            accounting_system="xero",
            year_end_month=3,
            year_end_day=31,
        )
    import_november(harbour, partner)
    import_november(twin, other_partner)
    return twin


def render(tmp_path, code, **options) -> tuple[list[str], str]:
    out = tmp_path / "pack.pdf"
    stdout = io.StringIO()
    call_command(
        "render_pack", client=code, period="2026-11", out=str(out), stdout=stdout, **options
    )
    reader = pypdf.PdfReader(out)
    return [page.extract_text() for page in reader.pages], stdout.getvalue()


def test_the_practice_picks_between_two_clients_with_one_code(tmp_path, harbour, twin):
    out = tmp_path / "pack.pdf"
    with pytest.raises(
        CommandError,
        match=f"Two practices have a client '{harbour.short_code}': name one with --practice.",
    ):
        call_command("render_pack", client=harbour.short_code, period="2026-11", out=str(out))
    assert not out.exists()

    pages, said = render(tmp_path, harbour.short_code, practice="Elsewhere Accountants")
    assert "Quayside Twin Ltd" in pages[0] and "Prepared by Elsewhere Accountants" in pages[0]
    assert "Harbour Demo Ltd" not in "\n".join(pages)
    assert "The balance sheet balances: net assets 23,770.00." in "\n".join(pages)
    assert said.startswith(f"Quayside Twin Ltd, November 2026: {len(pages)} pages, ")

    pages, said = render(tmp_path, harbour.short_code.lower(), practice="Harbour & Co Bookkeeping")
    assert "Harbour Demo Ltd" in pages[0] and "Prepared by Harbour & Co Bookkeeping" in pages[0]
    assert "Quayside Twin Ltd" not in "\n".join(pages)
    assert said.startswith("Harbour Demo Ltd, November 2026: ")


def test_the_clients_uuid_needs_no_practice(tmp_path, harbour, twin):
    pages, _ = render(tmp_path, str(twin.code))
    assert "Quayside Twin Ltd" in pages[0] and "30 November 2026" in pages[0]


def test_an_unknown_practice_or_a_code_it_does_not_have_says_so(tmp_path, harbour, twin):
    out = tmp_path / "pack.pdf"
    with pytest.raises(CommandError, match=r"^No practice named 'Nowhere LLP'\.$"):
        call_command(
            "render_pack",
            client=harbour.short_code,
            period="2026-11",
            out=str(out),
            practice="Nowhere LLP",
        )
    with pytest.raises(
        CommandError, match=r"^No client with the code 'ZZZ9' in Elsewhere Accountants\.$"
    ):
        call_command(
            "render_pack",
            client="ZZZ9",
            period="2026-11",
            out=str(out),
            practice="Elsewhere Accountants",
        )
    assert not out.exists()
