"""Why an email could not be sent, and whether trying again can help.

The outbox (``atlasos.outbox``: client emails, staff notifications, digests) sends every email
through a claimed row. When sending fails it asks ``judge`` what happened:

- **permanent**: the message can never go as it stands — an address that is not an address, a
  header that cannot be written (``BadHeaderError``), a message that cannot be built
  (``ValueError``), a mail server answering 5xx. The row is marked failed with the reason, shown
  to staff, and never retried.
- **transient**: the mail server is unreachable, disconnected or answers 4xx ("try later"). The
  row is retried by the sweep, at most ``MAX_SEND_ATTEMPTS`` times; then it is failed too.

``check`` finds the permanent problems before anything is sent, so a message that could never
go is failed at once (and a view can say so) rather than queued.
"""

import smtplib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMessage
from django.core.validators import validate_email

MAX_SEND_ATTEMPTS = 5
REASON_LENGTH = 500


class Undeliverable(ValueError):
    """The message can never be sent as it stands; the message says why, in words."""


@dataclass(frozen=True)
class Failure:
    reason: str
    permanent: bool


def check(message: EmailMessage) -> None:
    """Raise ``Undeliverable`` when ``message`` could never be sent: a recipient that is not a
    valid email address, a header with a line break, a message that cannot be built."""
    recipients = message.recipients()
    if not recipients:
        raise Undeliverable("The email has no recipient address.")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise Undeliverable(f"“{address}” is not a valid email address.") from None
    try:
        message.message()
    except BadHeaderError as error:
        raise Undeliverable(f"A header of the email contains a line break ({error}).") from None
    except (ValueError, TypeError, LookupError) as error:
        raise Undeliverable(f"The email could not be built: {error}") from None


def _answer(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {text}".strip()


def judge(error: BaseException) -> Failure:
    """What a failed send means: the reason to show, and whether retrying is pointless."""
    if isinstance(error, Undeliverable):
        failure = Failure(str(error), True)
    elif isinstance(error, BadHeaderError):
        failure = Failure(f"A header of the email contains a line break ({error}).", True)
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = error.recipients.items()
        refused = "; ".join(f"{address}: {_answer(*answer)}" for address, answer in answers)
        permanent = bool(answers) and all(code >= 500 for _, (code, _) in answers)
        failure = Failure(f"The mail server refused the recipient ({refused}).", permanent)
    elif isinstance(error, smtplib.SMTPAuthenticationError):
        # Our own mail settings, not this message: worth retrying once they are fixed.
        failure = Failure(
            f"The mail server refused our sign-in ({_answer(error.smtp_code, error.smtp_error)}).",
            False,
        )
    elif isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        failure = Failure(
            f"The mail server would not talk to us ({_answer(error.smtp_code, error.smtp_error)}).",
            False,
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        answer = _answer(error.smtp_code, error.smtp_error)
        failure = Failure(f"The mail server refused the email ({answer}).", error.smtp_code >= 500)
    elif isinstance(error, OSError):
        # SMTPServerDisconnected, a refused connection, a timeout, DNS: all try-again-later.
        detail = str(error) or type(error).__name__
        failure = Failure(f"Could not reach the mail server ({detail}).", False)
    elif isinstance(error, ValueError | TypeError | LookupError):
        failure = Failure(f"The email could not be built: {error}", True)
    else:
        failure = Failure(f"{type(error).__name__}: {error}", False)
    return Failure(failure.reason[:REASON_LENGTH], failure.permanent)


def gave_up(failure: Failure, attempts: int) -> Failure:
    """A transient failure on the last allowed attempt becomes permanent."""
    if failure.permanent or attempts < MAX_SEND_ATTEMPTS:
        return failure
    reason = f"Gave up after {attempts} attempts. {failure.reason}"
    return Failure(reason[:REASON_LENGTH], True)
