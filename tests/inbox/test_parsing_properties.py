"""parse() on bytes nobody wrote by hand: arbitrary bytes, and the corpus messages mutated
(bytes flipped, cut short, slices dropped or repeated, headers injected). Whatever comes in,
parse() returns a ParsedMessage whose every field is safe to store and show, or rejects the
message with a reason; never another exception, and never slowly."""

import functools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.parsing import Kind, Limits, MessageRejected, ParsedMessage, parse
from tests.inbox import corpus

LIMITS = Limits()
PROPERTY = settings(
    max_examples=200,
    deadline=2_000,  # milliseconds per example
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNSAFE = re.compile("[\x00\ud800-\udfff]")

INJECTIONS = [
    b'\r\nContent-Type: multipart/mixed; boundary="=_atlas_corpus_1"\r\n',
    b"\r\nContent-Type: message/rfc822\r\n\r\n",
    b"\r\nContent-Transfer-Encoding: base64\r\n",
    b"\r\nContent-Disposition: attachment; filename*0*=x-bad''%FF%FE; filename*1=\"..\\\\a\"\r\n",
    b"\r\nFrom: alice@client.example <bob@evil.example>\r\n",
    b"\r\nAuthentication-Results: x; dmarc=pass\r\n",
    b"\r\n--=_atlas_corpus_1\r\n",
    b"\r\n--=_atlas_corpus_1--\r\n",
    b"=?utf-8?b?////?=",
    b"\r\n\r\n",
    b"\x00\xff\xfe",
    b"(((((((((",
]


@functools.cache
def message(name: str) -> bytes:
    return corpus.CORPUS[name]()


def check(raw: bytes) -> None:
    """parse(raw) succeeds with storable fields, or is rejected with a cap's reason."""
    try:
        parsed = parse(raw, LIMITS)
    except MessageRejected as rejected:
        assert rejected.reason.startswith("The message ")
        assert "could not be read" not in rejected.reason  # an internal error, not a cap
        return
    assert isinstance(parsed, ParsedMessage)
    assert parsed.kind in set(Kind)
    for text in (parsed.subject, parsed.from_name, parsed.message_id, parsed.text, parsed.html):
        assert not UNSAFE.search(text)
    assert "\n" not in parsed.subject and len(parsed.subject) <= 500
    assert len(parsed.from_name) <= 200 and len(parsed.message_id) <= 255
    assert parsed.from_address == parsed.from_address.lower()
    assert parsed.from_address == "" or parsed.from_address.count("@") >= 1
    assert all(address == address.lower() for address in parsed.to)
    assert len(parsed.text) <= LIMITS.max_text_chars and len(parsed.html) <= LIMITS.max_text_chars
    assert len(parsed.headers) <= 100
    for name, value in parsed.headers:
        assert "\n" not in value and len(value) <= 1_000 and not UNSAFE.search(name + value)
    assert len(parsed.attachments) <= LIMITS.max_attachments
    for attachment in parsed.attachments:
        assert 0 < len(attachment.name) <= 150
        assert not re.search(r"[/\\\x00-\x1f\u202a-\u202e\u2066-\u2069]", attachment.name)
        assert not UNSAFE.search(attachment.name)
        assert 0 < len(attachment.data) <= LIMITS.max_attachment_bytes
    for name, why in parsed.skipped:
        assert name and why and not UNSAFE.search(name)
    assert len(parsed.defects) <= 50 and len(set(parsed.defects)) == len(parsed.defects)
    if parsed.sent_at is not None:
        assert parsed.sent_at.tzinfo is not None


@PROPERTY
@given(st.binary(max_size=4_000))
def test_arbitrary_bytes(raw):
    check(raw)


@PROPERTY
@given(
    st.binary(max_size=300),
    st.lists(st.sampled_from(INJECTIONS), max_size=6),
    st.binary(max_size=2_000),
)
def test_arbitrary_bytes_with_mime_fragments(head, fragments, tail):
    check(head + b"".join(fragments) + tail)


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20), st.just(0)),
    st.tuples(st.just("drop"), st.integers(0, 1 << 20), st.integers(1, 400)),
    st.tuples(st.just("repeat"), st.integers(0, 1 << 20), st.integers(1, 400)),
    st.tuples(st.just("inject"), st.integers(0, 1 << 20), st.integers(0, len(INJECTIONS) - 1)),
)


def mutate(raw: bytes, steps) -> bytes:
    data = bytearray(raw)
    for kind, position, amount in steps:
        at = position % (len(data) + 1)
        if kind == "flip" and at < len(data):
            data[at] ^= amount
        elif kind == "cut":
            del data[at:]
        elif kind == "drop":
            del data[at : at + amount]
        elif kind == "repeat":
            data[at:at] = data[at : at + amount] * 3
        elif kind == "inject":
            data[at:at] = INJECTIONS[amount]
    return bytes(data)


@PROPERTY
@given(st.sampled_from(sorted(corpus.CORPUS)), st.lists(mutation, min_size=1, max_size=8))
def test_mutated_corpus_messages(name, steps):
    check(mutate(message(name), steps))


def test_every_corpus_message_parses_unmutated():
    for name in corpus.CORPUS:
        check(message(name))
