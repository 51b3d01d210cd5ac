"""parse() under its caps: what is rejected, with which sentence (it is shown in the inbox),
and how fast — a message built to cost CPU is turned away before it does."""

import re
import time

import pytest

from inbox.parsing import Limits, MessageRejected, parse
from tests.inbox import corpus
from tests.inbox.corpus import Part


def rejected(raw: bytes, limits: Limits = Limits()) -> tuple[str, float]:  # noqa: B008
    started = time.perf_counter()
    with pytest.raises(MessageRejected) as caught:
        parse(raw, limits)
    return caught.value.reason, time.perf_counter() - started


def test_a_31_mb_message_is_rejected_before_parsing_fast():
    reason, seconds = rejected(corpus.huge(31))

    assert reason == "The message is 31 MB; the limit is 30 MB."
    assert seconds < 2


def test_3000_parts_are_rejected_fast_with_the_count():
    reason, seconds = rejected(corpus.many_parts(3_000))

    assert reason == "The message has 3,000 MIME parts; the limit is 500."
    assert seconds < 2


def test_101_attachments_are_rejected_100_are_not():
    reason, _ = rejected(corpus.many_attachments(101))

    assert reason == "The message has more than 100 attachments; the limit is 100."
    assert len(parse(corpus.many_attachments(100)).attachments) == 100


def test_forwarded_messages_twenty_deep_are_rejected_on_depth():
    reason, seconds = rejected(corpus.nested_forwards(20))

    assert reason == (
        "The message nests its parts or forwarded messages more than 10 levels deep; "
        "the limit is 10."
    )
    assert seconds < 2


def test_forwarded_messages_a_thousand_deep_are_rejected_not_a_recursion_error():
    reason, seconds = rejected(corpus.nested_forwards(1_000))

    assert reason == (
        "The message nests its parts or forwarded messages too deeply to read; "
        "the limit is 10 levels."
    )
    assert seconds < 2


def test_multiparts_forty_deep_are_rejected_before_parsing():
    reason, seconds = rejected(corpus.nested_multiparts(40))

    assert reason == "The message nests its parts 40 levels deep; the limit is 10."
    assert seconds < 0.5


def test_parts_the_boundaries_do_not_show_are_counted_by_the_walk():
    # 300 forwarded messages of one part each: 601 parts, of which the boundaries show 301.
    forward = Part(("Content-Type: message/rfc822",), b"Subject: note\r\n\r\nhello")
    reason, _ = rejected(corpus.multipart([forward] * 300))

    assert reason == "The message has more than 500 MIME parts; the limit is 500."


def test_a_huge_header_block_is_rejected():
    raw = corpus.single(corpus.headers_block(subject="x" * 1024 * 1024), "text/plain", b"hi")

    reason, seconds = rejected(raw)

    assert reason == "The message's header block is 1 MB; the limit is 256 KB."
    assert seconds < 1


def test_too_many_lines_are_rejected_before_the_parse_spends_seconds_on_them():
    raw = corpus.single(corpus.headers_block(), "text/plain", b"x\n" * 2_000_000)

    reason, seconds = rejected(raw)

    assert reason == "The message has 2,000,008 lines; the limit is 600,000."
    assert seconds < 1


def test_fewer_lines_are_allowed_when_parts_nest_deep():
    raw = corpus.nested_multiparts(8).replace(b"bottom", b"x\r\n" * 500_000)

    reason, _ = rejected(raw)

    assert re.fullmatch(
        r"The message has 500,0\d\d lines in parts nested 8 levels deep; the limit is "
        r"400,000 lines when parts nest more than 3 levels deep\.",
        reason,
    )


def test_the_caps_are_the_callers():
    limits = Limits(max_parts=5, max_attachments=2, max_depth=2, max_bytes=50_000)

    assert rejected(corpus.many_parts(10), limits)[0] == (
        "The message has 10 MIME parts; the limit is 5."
    )
    assert rejected(corpus.many_attachments(3), limits)[0] == (
        "The message has more than 2 attachments; the limit is 2."
    )
    assert rejected(corpus.nested_forwards(3), limits)[0].endswith("the limit is 2.")
    assert rejected(corpus.huge(1), limits)[0] == "The message is 1 MB; the limit is 48.8 KB."


def test_a_long_text_body_is_cut_to_max_text_chars():
    raw = corpus.single(corpus.headers_block(), "text/html", b"<p>" + b"word " * 100_000)

    parsed = parse(raw, Limits(max_text_chars=1_000))

    assert len(parsed.text) == 1_000
    assert len(parsed.html) == 1_000


def test_parameter_heavy_headers_in_every_part_stay_cheap():
    # The structured-header parser slows down faster than the parameters grow; 998 headers
    # of 60 parameters each would take it tens of seconds.
    params = "; ".join(f"a{i}=b" for i in range(60))
    part = Part(
        (f"Content-Type: text/plain; {params}", f"Content-Disposition: inline; {params}"), b"x"
    )
    started = time.perf_counter()

    parsed = parse(corpus.multipart([part] * 499))

    assert time.perf_counter() - started < 5
    assert "Content-Type header too long: cut to be read" in parsed.defects


def test_a_200_kb_content_type_is_cut_not_parsed_for_seconds():
    params = "; ".join(f"a{i}=b" for i in range(20_000))
    raw = corpus.multipart([Part((f"Content-Type: application/pdf; {params}",), b"JVBERi0=")])
    started = time.perf_counter()

    parsed = parse(raw)

    assert time.perf_counter() - started < 1
    assert [a.content_type for a in parsed.attachments] == ["application/pdf"]


def test_a_content_type_of_nested_comments_falls_back_to_the_default():
    raw = corpus.multipart([Part(("Content-Type: application/pdf" + "(" * 3_000,), b"hello")])

    parsed = parse(raw)

    assert "Content-Type header could not be read" in parsed.defects
