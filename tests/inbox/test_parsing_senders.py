"""parse(): who sent the message and whether to believe it. The sender address is parsed
strictly (a display name never yields an address), and only the receiving server's own
Authentication-Results — the topmost — counts."""

import pytest

from inbox.parsing import parse
from tests.inbox import corpus


def from_header(value: str, *extra: str) -> bytes:
    lines = [line for line in corpus.headers_block() if not line.startswith("From:")]
    return corpus.single([*extra, f"From: {value}", *lines], "text/plain", b"hello\r\n")


def sender(value: str) -> tuple[str, str]:
    parsed = parse(from_header(value))
    return parsed.from_address, parsed.from_name


def test_a_borrowed_display_name_gives_the_real_address():
    parsed = parse(corpus.display_name_spoof())

    assert (parsed.from_address, parsed.from_name) == ("attacker@example.net", "Alice Client")


def test_an_address_as_display_name_never_becomes_the_sender():
    # Python 3.11's own parser answers alice here (CVE-2023-27043).
    parsed = parse(corpus.address_as_name_spoof())

    assert parsed.from_address == "bob@evil.example"
    assert "alice" not in parsed.from_address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Alice Client <Alice@Client.Example>", ("alice@client.example", "Alice Client")),
        ("alice@client.example", ("alice@client.example", "")),
        ("alice@client.example (Alice Client)", ("alice@client.example", "Alice Client")),
        ('"Client, Alice" <alice@client.example>', ("alice@client.example", "Client, Alice")),
        ("Client, Alice <alice@client.example>", ("alice@client.example", "Client, Alice")),
        ("=?utf-8?q?Andr=C3=A9?= <andre@client.example>", ("andre@client.example", "André")),
        ('"alice@client.example" <bob@evil.example>', ("bob@evil.example", "alice@client.example")),
        ("<>", ("", "")),
        ("alice@client.example, bob@evil.example", ("", "alice@client.example, bob@evil.example")),
        ("Alice <alice@client.example> <bob@evil.example>", ("", "Alice")),
        ("Alice <alice@client.example", ("", "Alice <alice@client.example")),
        ("undisclosed-recipients:;", ("", "undisclosed-recipients:;")),
        ("not an address", ("", "not an address")),
        ("Alice <alice@@client.example>", ("", "Alice")),
        ("Alice <alice@client.example> trailing", ("", "Alice trailing")),
    ],
)
def test_the_sender_is_one_strict_mailbox_or_none(value, expected):
    assert sender(value) == expected


def test_no_from_header_at_all():
    lines = [line for line in corpus.headers_block() if not line.startswith("From:")]

    parsed = parse(corpus.single(lines, "text/plain", b"hi"))

    assert (parsed.from_address, parsed.from_name) == ("", "")


def test_to_and_cc_are_lowercase_addresses_once_each():
    raw = corpus.single(
        [
            "To: Harbour <Harbour+K7x2q9@In.Atlas.Example>, Team: a@x.example, b@x.example;",
            "Cc: a@x.example, broken <, ok@y.example",
            *corpus.headers_block()[2:],
        ],
        "text/plain",
        b"hi",
    )

    assert parse(raw).to == ("harbour+k7x2q9@in.atlas.example", "a@x.example", "b@x.example")


def test_the_date_is_aware_and_garbage_or_absurd_dates_are_none():
    def sent(value: str):
        lines = [line for line in corpus.headers_block() if not line.startswith("Date:")]
        return parse(corpus.single([*lines, f"Date: {value}"], "text/plain", b"hi")).sent_at

    assert sent("Mon, 07 Dec 2026 09:15:00 +0100").isoformat() == "2026-12-07T09:15:00+01:00"
    assert sent("Mon, 07 Dec 2026 09:15:00 -0000").isoformat() == "2026-12-07T09:15:00+00:00"
    assert sent("next Tuesday") is None
    assert sent("Mon, 07 Dec 9999 09:15:00 +0000") is None
    assert sent("Mon, 07 Dec 2026 09:15:00 +9999") is None


def test_the_message_id_is_bare_and_bounded():
    def message_id(value: str) -> str:
        return parse(
            corpus.single(corpus.headers_block(message_id=value), "text/plain", b"hi")
        ).message_id

    assert message_id("<abc.123@client.example>") == "abc.123@client.example"
    assert message_id("  abc@x  ") == "abc@x"
    assert len(message_id("<" + "x" * 1_000 + "@x>")) == 255


def test_headers_are_one_line_each_and_bounded():
    folded = "X-Long: " + "word " * 400 + "\r\n\tcontinued"
    many = [f"X-Extra-{n}: {n}" for n in range(150)]
    raw = corpus.single([folded, *corpus.headers_block(), *many], "text/plain", b"hi")

    headers = parse(raw).headers

    assert len(headers) == 100
    assert headers[0][0] == "X-Long"
    assert len(headers[0][1]) == 1_000
    assert all("\n" not in value and "\r" not in value for _, value in headers)


# --- Authentication-Results ---------------------------------------------------------------


def with_results(*results: str, sender: str = "Alice Client <alice@client.example>"):
    extra = [f"Authentication-Results: {r}" for r in results]
    return parse(from_header(sender, *extra))


def test_a_forged_pass_below_the_receiving_servers_fail_is_ignored():
    parsed = parse(corpus.forged_authentication())

    assert parsed.authenticated is False
    assert parsed.auth_summary == "dmarc=fail spf=fail dkim=none"


def test_dmarc_pass_is_authenticated():
    parsed = with_results("mx.in.atlas.example; dmarc=pass (p=reject) header.from=client.example")

    assert (parsed.authenticated, parsed.auth_summary) == (True, "dmarc=pass")


def test_dmarc_pass_for_another_domain_than_from_is_not():
    parsed = with_results("mx.in.atlas.example; dmarc=pass header.from=evil.example")

    assert parsed.authenticated is False


def test_spf_and_dkim_pass_aligned_with_from():
    parsed = with_results(
        "mx.in.atlas.example; spf=pass smtp.mailfrom=bounces@mail.client.example;"
        " dkim=pass header.d=client.example header.s=s1"
    )

    assert (parsed.authenticated, parsed.auth_summary) == (True, "spf=pass dkim=pass (aligned)")


def test_spf_and_dkim_pass_for_someone_elses_domain_is_not_enough():
    parsed = with_results(
        "mx.in.atlas.example; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=evil.example"
    )

    assert parsed.authenticated is False
    assert parsed.auth_summary == "spf=pass dkim=pass (not aligned with From)"


def test_alignment_under_a_country_second_level_domain_needs_the_organisation():
    # attacker.co.uk and client.co.uk share only "co.uk": not the same organisation.
    stranger = with_results(
        "mx.in.atlas.example; spf=pass smtp.mailfrom=attacker.co.uk;"
        " dkim=pass header.d=attacker.co.uk",
        sender="alice@client.co.uk",
    )
    sibling = with_results(
        "mx.in.atlas.example; spf=pass smtp.mailfrom=mail.client.co.uk;"
        " dkim=pass header.d=client.co.uk",
        sender="alice@client.co.uk",
    )

    assert stranger.authenticated is False
    assert sibling.authenticated is True


def test_spf_pass_alone_is_not_authenticated():
    parsed = with_results("mx.in.atlas.example; spf=pass smtp.mailfrom=client.example")

    assert (parsed.authenticated, parsed.auth_summary) == (False, "spf=pass")


def test_no_authentication_results():
    parsed = with_results()

    assert (parsed.authenticated, parsed.auth_summary) == (False, "no Authentication-Results")


def test_arc_authentication_results_are_not_trusted():
    raw = from_header(
        "Alice <alice@client.example>",
        "ARC-Authentication-Results: i=1; mx.example; dmarc=pass header.from=client.example",
    )

    assert parse(raw).authenticated is False


def test_a_spoofed_sender_with_dmarc_fail_is_not_authenticated():
    parsed = with_results(
        "mx.in.atlas.example; dmarc=fail header.from=client.example",
        sender='"Alice Client" <alice@client.example>',
    )

    assert (parsed.authenticated, parsed.auth_summary) == (False, "dmarc=fail")


def test_utf8_headers_as_smtputf8_mail_sends_them():
    raw = "From: José <José@Exämple.com>\r\nSubject: Relevé de novembre\r\n\r\nhi\r\n"

    parsed = parse(raw.encode("utf-8"))

    assert (parsed.from_address, parsed.from_name) == ("josé@exämple.com", "José")
    assert parsed.subject == "Relevé de novembre"
