"""``manage.py ingest_email``: .eml files (or standard input) through the one intake, a line of
outcome per file, exit 1 when any was refused."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from atlasos.tenancy.context import practice_context
from inbox import addresses
from inbox.models import Channel, InboundMessage
from tests.factories.clients import ClientFactory
from tests.inbox import corpus

# Real commits: the processing intake enqueues on commit runs (Celery eager) before the
# command prints its line, as it does outside tests.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme(practice):
    with practice_context(practice.pk):
        return ClientFactory(practice=practice, name="Acme Trading Ltd")


def ingest(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("ingest_email", *args, stdout=out)
    except SystemExit as exit:
        return out.getvalue(), exit.code
    return out.getvalue(), 0


def write(tmp_path, name, raw):
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


def test_each_file_gets_a_line_saying_what_became_of_it(tmp_path, practice, acme):
    to = addresses.client_address(acme)
    invoice = write(tmp_path, "invoice.eml", corpus.invoice_pdf())

    # The corpus gives every message one Message-ID: each gets its own here.
    def own_id(raw: bytes, n: int) -> bytes:
        return raw.replace(b"<corpus-1@client.example>", f"<other-{n}@mx.example>".encode())

    bounce = write(tmp_path, "bounce.eml", own_id(corpus.bounce(), 1))
    huge = write(tmp_path, "huge.eml", own_id(corpus.many_parts(), 2))

    out, code = ingest(invoice, bounce, huge, invoice, "--to", to)

    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith(f"{invoice}: filed to Acme Trading Ltd (certain: ")
    assert lines[0].endswith("1 of 1 attachment filed.")
    assert lines[1] == (
        f"{bounce}: ignored: A delivery failure report (bounce): nothing to file, and never "
        "answered."
    )
    assert lines[2] == f"{huge}: rejected: The message has 3,000 MIME parts; the limit is 500."
    assert lines[3].startswith(f"{invoice}: duplicate of an earlier message, which was filed")
    with practice_context(practice.pk):
        assert InboundMessage.objects.count() == 3
        assert set(InboundMessage.objects.values_list("channel", flat=True)) == {Channel.FILE}


def test_the_recipient_is_read_from_the_headers_without_to(tmp_path, practice, acme):
    raw = corpus.multipart(
        [corpus.file_part("receipt.pdf", corpus.pdf(["Receipt"]))],
        header_lines=corpus.headers_block(
            to=f"Someone <nobody@elsewhere.example>, <{addresses.client_address(acme)}>"
        ),
    )

    out, code = ingest(write(tmp_path, "r.eml", raw))

    assert code == 0 and "filed to Acme Trading Ltd" in out


def test_standard_input_is_read_for_a_dash(practice, acme, monkeypatch):
    raw = corpus.invoice_pdf()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    out, code = ingest("-", "--to", addresses.client_address(acme))

    assert code == 0 and out.startswith("-: filed to Acme Trading Ltd")


def test_mail_for_nobody_here_is_refused_with_exit_1(tmp_path, practice):
    path = write(tmp_path, "stray.eml", corpus.invoice_pdf())

    out, code = ingest(path, "--to", "someone@elsewhere.example")

    assert code == 1
    assert out == f"{path}: refused: no inbox has the address someone@elsewhere.example\n"


def test_a_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="missing.eml: cannot be read"):
        call_command("ingest_email", str(tmp_path / "missing.eml"))
