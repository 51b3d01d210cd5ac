"""Mailbox polling over IMAP: each practice's own mailbox (Settings › Inbox), read by Celery
beat (``inbox.poll_mailboxes``), every message taken once and through the one intake.

A run connects (SSL/TLS or STARTTLS with the certificate verified; without encryption only to
this machine), logs in, selects the folder and takes at most ``MAX_PER_RUN`` messages not yet
taken, oldest first. For each: the exact bytes the server holds (``BODY.PEEK[]``, so nothing is
marked read by fetching) go to ``intake.accept``, and only then is the message marked taken: the
keyword ``$AtlasTaken`` (or, on a server that keeps no keywords, ``\\Seen``), and moved to the
processed folder when the mailbox names one. A run that dies between the two takes the message
again next time, and intake's dedupe (SHA-256 of the bytes, Message-ID + recipient) makes that
one message still. A message over ``ATLAS_INBOX_MAX_BYTES`` is taken all the same: intake keeps
it and parsing rejects it with the reason, so staff see it.

Mail in a practice's mailbox is that practice's: it is delivered to the practice's inbox
addresses it names, and to the practice's own address (triage) when it names none of them
(another practice's address in its headers never carries it there).

A run records ``last_polled_at`` and ``last_error``: a sentence for staff, or "" when all went
well. One message that cannot be taken is left on the server for the next run and does not stop
the others.
"""

import email.parser
import email.policy
import email.utils
import imaplib
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import (
    MailboxFolderSelectError,
    MailboxLoginError,
    UnexpectedCommandStatusError,
)
from imap_tools.mailbox import BaseMailBox
from imap_tools.utils import encode_folder

from atlasos import clock
from atlasos.refusals import Refusal
from inbox import addresses, intake, secrets
from inbox.models import Channel, Mailbox
from inbox.recipients import HEADER_LIMIT, header_recipients

logger = logging.getLogger(__name__)

TAKEN = "$AtlasTaken"  # the keyword a message taken carries on the server
MAX_PER_RUN = 200  # messages taken by one run; the rest wait for the next
BATCH = 50  # fetched, kept and processed together
TIMEOUT = 30  # seconds for connecting and for each answer of the server
LOOPBACK_NAMES = ("localhost",)


class PollError(Refusal):
    """The mailbox cannot be read; ``message`` says why, for staff."""


class ConnectionLost(Exception):
    """The connection broke in the middle of a run."""


@dataclass
class Session:
    box: BaseMailBox
    capabilities: frozenset[str]
    keywords: bool  # the folder keeps keywords of our own (PERMANENTFLAGS has \*)


@dataclass
class Run:
    taken: int = 0
    problems: list[str] = field(default_factory=list)


def poll_practice(practice) -> int:
    """Beat, inside ``practice``'s context: its active mailbox polled, if it has one; the
    number of messages taken."""
    mailbox = Mailbox.objects.filter(practice=practice, is_active=True).first()
    return poll(mailbox) if mailbox else 0


def poll(mailbox: Mailbox) -> int:
    """Take the new messages of ``mailbox``; how many were taken. Never raises for the
    mailbox's own problems: they go to ``last_error``."""
    run = Run()
    try:
        password = _password(mailbox)
        with _session(mailbox, password) as session:
            _take(session, mailbox, run)
        error = _problems(run)
    except (PollError, secrets.SecretError) as refused:
        error = refused.message
    except ConnectionLost as lost:
        error = f"The connection to {_where(mailbox)} was lost: {_why(lost.__cause__)}."
        if run.taken:
            error += f" {_messages(run.taken)} taken before it; the rest wait for the next run."
    except Exception as unexpected:
        logger.exception("inbox: polling mailbox %s failed", mailbox.pk)
        error = f"The mailbox could not be read because of an error of ours ({unexpected!r})."
    mailbox.last_polled_at = clock.now()
    mailbox.last_error = error[:500]
    mailbox.save(update_fields=["last_polled_at", "last_error"])
    if error:
        logger.warning("inbox: mailbox %s: %s", mailbox.pk, error)
    if run.taken:
        logger.info("inbox: %s taken from mailbox %s", _messages(run.taken), mailbox.pk)
    return run.taken


def check_connection(mailbox: Mailbox, password: str | None = None) -> str | None:
    """None when ``mailbox`` (saved or not) connects, logs in and selects its folder, with
    ``password`` or, when None, the stored one; otherwise a sentence for staff."""
    try:
        with _session(mailbox, _password(mailbox) if password is None else password):
            return None
    except (PollError, secrets.SecretError) as refused:
        return refused.message
    except ConnectionLost as lost:
        return f"The connection to {_where(mailbox)} was lost: {_why(lost.__cause__)}."
    except Exception as unexpected:
        logger.exception("inbox: checking mailbox %s failed", mailbox.pk)
        return f"The mailbox could not be checked because of an error of ours ({unexpected!r})."


# --- one run ----------------------------------------------------------------------------------


def _take(session: Session, mailbox: Mailbox, run: Run) -> None:
    """The untaken messages, oldest first, a batch at a time: fetched, kept together
    (``intake.accept_many``, processed in batches), then each marked taken."""
    processed = mailbox.processed_folder.strip()
    if processed:
        _ensure_folder(session, processed)
    practice = mailbox.practice
    uids = _untaken(session, processed)[:MAX_PER_RUN]
    for start in range(0, len(uids), BATCH):
        fetched = []
        for uid in uids[start : start + BATCH]:
            try:
                raw = _fetch(session, uid)
            except imaplib.IMAP4.error as error:  # the server said NO to this message
                run.problems.append(f"the server would not give it ({_detail(error)})")
                continue
            if raw is not None:  # None: expunged meanwhile (another client)
                fetched.append((uid, raw))
        for uid in _keep(fetched, mailbox, practice, run):
            try:
                _mark_taken(session, uid, processed)
            except imaplib.IMAP4.error as error:  # the server said NO to this message
                logger.warning(
                    "inbox: message %s of mailbox %s not marked: %s", uid, mailbox.pk, error
                )
                run.problems.append(f"the server would not mark it taken ({_detail(error)})")
            run.taken += 1


def _keep(fetched: list[tuple[str, bytes]], mailbox: Mailbox, practice, run: Run) -> list[str]:
    """The uids of ``fetched`` that intake kept (or already had): all of them together, or,
    when that fails, each on its own, a message intake would not keep left for the next run
    with the reason among the run's problems."""
    letters = [(raw, recipients_for(raw, practice), _return_path(raw)) for _, raw in fetched]
    try:
        intake.accept_many(letters, channel=Channel.IMAP, provider=mailbox.host)
        return [uid for uid, _ in fetched]
    except Exception:
        logger.exception("inbox: a batch of mailbox %s not taken; one by one now", mailbox.pk)
    kept = []
    for (uid, raw), (_, recipients, envelope_from) in zip(fetched, letters, strict=True):
        try:
            intake.accept(
                raw,
                recipients=recipients,
                channel=Channel.IMAP,
                provider=mailbox.host,
                envelope_from=envelope_from,
            )
        except Exception as error:
            logger.exception("inbox: message %s of mailbox %s not taken", uid, mailbox.pk)
            run.problems.append(f"{type(error).__name__}: {_detail(str(error))}")
            continue
        kept.append(uid)
    return kept


def _untaken(session: Session, processed: str) -> list[str]:
    if session.keywords:
        criteria = f"UNDELETED UNKEYWORD {TAKEN}"
    elif processed:
        criteria = "UNDELETED"  # what was taken has been moved away
    else:
        criteria = "UNDELETED UNSEEN"  # a server without keywords: \Seen is the mark
    try:
        uids = _command(session.box.uids, criteria, None)
    except UnexpectedCommandStatusError as error:
        raise PollError(
            f"The server would not list the folder's messages ({_detail(error)})."
        ) from error
    return sorted(uids, key=int)


def _fetch(session: Session, uid: str) -> bytes | None:
    typ, data = _command(session.box.client.uid, "FETCH", uid, "(BODY.PEEK[])")
    _ok((typ, data))
    # imaplib gives the literal as (b'1 (UID 1 BODY[] {81}', b'<the bytes>'): exactly as held.
    return next((item[1] for item in data or [] if isinstance(item, tuple)), None)


def _mark_taken(session: Session, uid: str, processed: str) -> None:
    client = session.box.client
    if session.keywords:
        _ok(_command(client.uid, "STORE", uid, "+FLAGS.SILENT", f"({TAKEN})"))
    elif not processed:
        _ok(_command(client.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Seen)"))
    if not processed:
        return
    folder = encode_folder(processed)
    if "MOVE" in session.capabilities:
        _ok(_command(client.uid, "MOVE", uid, folder))
        return
    _ok(_command(client.uid, "COPY", uid, folder))
    _ok(_command(client.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
    if "UIDPLUS" in session.capabilities:  # never a plain EXPUNGE: it would take others' too
        _ok(_command(client.uid, "EXPUNGE", uid))


def _ensure_folder(session: Session, name: str) -> None:
    if not _command(session.box.folder.exists, name):
        try:
            _command(session.box.folder.create, name)
        except (UnexpectedCommandStatusError, imaplib.IMAP4.error) as error:
            raise PollError(
                f"There is no folder “{name}” for processed messages, and the server would "
                f"not create it ({_detail(error)})."
            ) from error


def _problems(run: Run) -> str:
    if not run.problems:
        return ""
    count = len(run.problems)
    return (
        f"{_messages(count)} could not be taken and will be tried again at the next run "
        f"(first: {run.problems[0]})."
    )


def recipients_for(raw: bytes, practice) -> list[str]:
    """The practice's inbox addresses the message names (its delivery headers, To, Cc); the
    practice's own address when it names none of them, so that it lands in triage."""
    ours = []
    for address in header_recipients(raw):
        resolved = addresses.resolve(address)
        if resolved is not None and resolved.practice_id == practice.pk:
            ours.append(address)
    return ours or [addresses.practice_address(practice)]


def _return_path(raw: bytes) -> str:
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            raw[:HEADER_LIMIT]
        )
        return email.utils.parseaddr(str(headers.get("return-path", "")))[1][:254]
    except Exception:
        return ""


# --- the connection ---------------------------------------------------------------------------


def _password(mailbox: Mailbox) -> str:
    if not mailbox.password_encrypted:
        raise PollError("No password is stored for this mailbox; enter it under Settings › Inbox.")
    return secrets.decrypt(mailbox.password_encrypted)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: localhost, 127.0.0.0/8 or ::1 (no DNS lookup)."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def _session(mailbox: Mailbox, password: str) -> Iterator[Session]:
    box = _connect(mailbox)
    try:
        _login(box, mailbox.username, password)
        capabilities = _capabilities(box)
        folder = mailbox.folder.strip() or "INBOX"
        try:
            _command(box.folder.set, folder)
        except MailboxFolderSelectError as error:
            raise PollError(f"There is no folder “{folder}” in this mailbox.") from error
        flags = b" ".join(box.client.untagged_responses.get("PERMANENTFLAGS", []))
        yield Session(box, capabilities, keywords=b"\\*" in flags)
    finally:
        _close(box)


def _connect(mailbox: Mailbox) -> BaseMailBox:
    host, port = mailbox.host.strip(), mailbox.port
    if mailbox.security == "none" and not is_loopback(host):
        raise PollError(
            "A mailbox without encryption may only be on this server itself (localhost, "
            f"127.0.0.1 or ::1); choose SSL/TLS or STARTTLS for {host}."
        )
    try:
        if mailbox.security == "ssl":
            return MailBox(host, port, timeout=TIMEOUT, ssl_context=ssl.create_default_context())
        if mailbox.security == "starttls":
            if port == 993:
                raise PollError(
                    f"Could not connect to {_where(mailbox)}: port 993 expects SSL/TLS from the "
                    "start; choose SSL/TLS, or STARTTLS on port 143."
                )
            return MailBoxStartTls(
                host, port, timeout=TIMEOUT, ssl_context=ssl.create_default_context()
            )
        return MailBoxUnencrypted(host, port, timeout=TIMEOUT)
    except PollError:
        raise
    except (OSError, imaplib.IMAP4.error, ValueError) as error:
        raise PollError(f"Could not connect to {_where(mailbox)}: {_why(error)}.") from error


def _login(box: BaseMailBox, username: str, password: str) -> None:
    try:
        if (username + password).isascii():
            _command(box.login, username, password, initial_folder=None)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            _command(box.login_utf8, username, password, initial_folder=None)
    except (MailboxLoginError, imaplib.IMAP4.error) as error:
        if "PRIVACYREQUIRED" in str(error).upper():
            raise PollError(
                "The server accepts the password only over an encrypted connection; choose "
                "SSL/TLS or STARTTLS."
            ) from error
        raise PollError("The server refused the user name or password.") from error


def _capabilities(box: BaseMailBox) -> frozenset[str]:
    """What the server offers once logged in (more than it shows before: MOVE, UIDPLUS)."""
    typ, data = _command(box.client.capability)
    words = b" ".join(item for item in data if isinstance(item, bytes)).decode("ascii", "replace")
    return frozenset(words.upper().split()) if typ == "OK" else frozenset()


def _close(box: BaseMailBox) -> None:
    try:
        box.client.logout()
    except Exception:
        try:
            box.client.shutdown()
        except Exception:
            logger.debug("inbox: closing an IMAP connection failed", exc_info=True)


def _command(function, *args, **kwargs):
    """Run an IMAP command; a broken connection becomes ``ConnectionLost``."""
    try:
        return function(*args, **kwargs)
    except (imaplib.IMAP4.abort, OSError) as error:
        raise ConnectionLost() from error


def _ok(result) -> None:
    typ, data = result
    if typ != "OK":
        raise imaplib.IMAP4.error(_detail(data))


def _where(mailbox: Mailbox) -> str:
    host = mailbox.host.strip()
    return f"[{host}]:{mailbox.port}" if ":" in host else f"{host}:{mailbox.port}"


def _why(error: BaseException | None) -> str:
    """What went wrong, in words, lower case, no final stop."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"its certificate could not be verified ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"the secure connection failed ({error.reason or error})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT} seconds"
    if isinstance(error, socket.gaierror):
        return "the host name was not found"
    if isinstance(error, imaplib.IMAP4.error) and "TLS not supported" in str(error):
        return "the server does not offer STARTTLS"
    if isinstance(error, imaplib.IMAP4.error):
        return f"the server did not answer as an IMAP server ({_detail(error)})"
    if isinstance(error, ValueError):
        return str(error).rstrip(".")
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:].rstrip(".")
    return str(error).rstrip(".") or "the connection closed"


def _detail(value) -> str:
    if isinstance(value, UnexpectedCommandStatusError):
        value = value.command_result[1]
    if isinstance(value, list | tuple):
        value = b" ".join(v for v in value if isinstance(v, bytes)) or str(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return re.sub(r"\s+", " ", str(value)).strip()[:200]


def _messages(count: int) -> str:
    return f"{count} message" if count == 1 else f"{count} messages"
