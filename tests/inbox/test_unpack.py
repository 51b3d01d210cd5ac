"""unpack_tnef() and unpack_msg(): the files inside Outlook's containers, or one UnpackError
with a reason, whatever the bytes. The fixtures are built by hand (corpus.tnef) and with
extract-msg's own OLE writer (corpus.outlook_msg)."""

import logging
import struct

import pytest

from inbox.unpack import MAX_FILES, UnpackError, unpack_msg, unpack_tnef
from tests.inbox import corpus


def test_the_files_of_a_winmail_dat():
    data = corpus.tnef([("statement.pdf", corpus.pdf()), ("notes.txt", b"hello")])

    assert unpack_tnef(data) == [
        ("statement.pdf", "application/pdf", corpus.pdf()),
        ("notes.txt", "text/plain", b"hello"),
    ]


def test_a_winmail_dat_without_files_gives_none():
    assert unpack_tnef(corpus.tnef([])) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not tnef",
        struct.pack("<I", 0x223E9F78),  # the signature and nothing else
        # An attachment attribute before any attachment was started.
        struct.pack("<IH", 0x223E9F78, 1) + struct.pack("<BII", 2, 0x00018010, 4) + b"a.pd\0\0",
    ],
    ids=["empty", "text", "signature-only", "orphan-attribute"],
)
def test_what_is_not_a_winmail_dat_raises_unpack_error(data):
    with pytest.raises(UnpackError) as caught:
        unpack_tnef(data)

    assert caught.value.reason.startswith("It is not a readable winmail.dat")


@pytest.mark.parametrize("cut", [7, 30, 61, 100, 150, -3])
def test_a_winmail_dat_cut_short_unpacks_or_raises_unpack_error(cut):
    data = corpus.tnef([("statement.pdf", corpus.pdf())])[:cut]

    try:
        files = unpack_tnef(data)
    except UnpackError:
        return
    assert all(isinstance(content, bytes) for _, _, content in files)


def test_a_winmail_dat_of_too_many_files_is_refused():
    data = corpus.tnef([(f"f{n}.txt", b"x") for n in range(MAX_FILES + 1)])

    with pytest.raises(UnpackError) as caught:
        unpack_tnef(data)

    assert caught.value.reason == "It holds more than 1,000 files."


def test_the_body_and_files_of_an_outlook_message():
    data = corpus.outlook_msg(
        body="Statement attached.",
        files=[("statement.pdf", "application/pdf", corpus.pdf()), ("a.csv", "text/csv", b"1,2")],
    )

    body, files = unpack_msg(data)

    assert body == "Statement attached."
    assert files == [
        ("statement.pdf", "application/pdf", corpus.pdf()),
        ("a.csv", "text/csv", b"1,2"),
    ]


def test_an_outlook_message_without_files():
    assert unpack_msg(corpus.outlook_msg(body="Just a note.")) == ("Just a note.", [])


@pytest.mark.parametrize(
    "data", [b"", b"not an OLE file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)]
)
def test_what_is_not_an_outlook_message_raises_unpack_error(data):
    with pytest.raises(UnpackError) as caught:
        unpack_msg(data)

    assert caught.value.reason.startswith("It is not a readable Outlook message")


def test_an_outlook_message_cut_short_raises_unpack_error():
    data = corpus.outlook_msg(files=[("statement.pdf", "application/pdf", corpus.pdf())])

    with pytest.raises(UnpackError):
        unpack_msg(data[: len(data) // 2])


def test_bytes_that_name_a_file_on_this_machine_are_never_opened(tmp_path):
    # olefile reads bytes shorter than 1,536 as a path: a .msg attachment whose content is
    # the path of a local file must not unpack that file.
    secret = tmp_path / "secret.msg"
    secret.write_bytes(
        corpus.outlook_msg(body="internal", files=[("payroll.pdf", "application/pdf", b"%PDF")])
    )

    with pytest.raises(UnpackError):
        unpack_msg(str(secret).encode())


def test_the_libraries_log_nothing_about_hostile_files(caplog):
    caplog.set_level(logging.DEBUG)

    with pytest.raises(UnpackError):
        unpack_msg(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(UnpackError):
        unpack_tnef(b"not tnef")
    unpack_tnef(corpus.tnef([("a.pdf", b"%PDF")]))

    noisy = ("extract_msg", "olefile", "tnefparse", "RTFDE")
    assert [r for r in caplog.records if r.name.startswith(noisy)] == []
