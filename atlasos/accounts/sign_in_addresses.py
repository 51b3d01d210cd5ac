"""Whether an email address can become a new sign-in of a practice, and what to say when not.

One address signs in one person on the whole platform. When a practice asks for an address that
is already somebody's sign-in outside it (another practice's member of staff or client contact,
a platform administrator), the answer must not say which, nor that another practice is
involved: it is the same words as the refusal of the platform's own sending address. Inside the
asking practice the answer may say who holds the address.
"""

from email.utils import parseaddr

from django.conf import settings

from atlasos.accounts.models import User

UNAVAILABLE = "{email} cannot be used as a sign-in here. Ask for another email address."


class AddressUnavailable(ValueError):
    """The address cannot be used, for a reason the asking practice is not told."""

    def __init__(self, email: str):
        self.message = UNAVAILABLE.format(email=email)
        super().__init__(self.message)


def platform_addresses() -> set[str]:
    """Our own sending addresses: nobody reads their mail, so nobody may sign in with them."""
    return {
        parseaddr(address)[1].lower()
        for address in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)
        if address
    }


def holder_in_practice(email: str, practice_id: int, *, exclude=None) -> User | None:
    """The user of ``practice_id`` who signs in with ``email`` (other than ``exclude``), or None
    when the address is free. Raises ``AddressUnavailable`` when it cannot be used for a reason
    outside the practice."""
    email = email.strip().lower()
    if email in platform_addresses():
        raise AddressUnavailable(email)
    # Users are outside row-level security: this sees every practice's sign-ins, and so must
    # never tell the caller about any of them.
    holders = User.objects.filter(email__iexact=email)
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder is not None and holder.practice_id != practice_id:
        raise AddressUnavailable(email)
    return holder
