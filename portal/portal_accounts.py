"""Portal sign-in for client contacts: invitations, grants, one-time links.

A contact gets one ``PortalAccount`` (and one ``User`` with the practice and no staff role) the
first time staff invite them; each further invitation, for another client, adds a
``PortalGrant``. Links sent by email are single-use and expire: a set-password link (the
invitation, 7 days) or a sign-in link (20 minutes). Only the SHA-256 of a link's token is
stored, so the table alone cannot be used to sign in.
"""

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from atlasos import clock
from atlasos.accounts.models import NO_ROLE, hash_token
from atlasos.accounts.sign_in_addresses import AddressUnavailable, holder_in_practice
from atlasos.refusals import Refusal
from atlasos.tenancy.context import practice_context, unscoped
from clients.models import ClientContact
from portal import mail
from portal.models import PortalAccount, PortalGrant, PortalLink

User = get_user_model()

INVITATION_LIFETIME = datetime.timedelta(days=7)
SIGN_IN_LINK_LIFETIME = datetime.timedelta(minutes=20)
# Sign-in links one address may be sent per hour: the form is public, and each one is an email.
SIGN_IN_LINKS_PER_HOUR = 5


class PortalAccessError(Refusal):
    """A portal access change that cannot be made; ``message`` says why, for the user."""


class LinkError(PortalAccessError):
    """A one-time link that cannot be used (unknown, used, expired). ``status`` for the page."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def _local(moment: datetime.datetime, practice) -> datetime.datetime:
    """A time as the practice's clients read it ("expires on … at …"); naive, so templates
    do not convert it back to the server's time zone."""
    return moment.astimezone(ZoneInfo(practice.timezone)).replace(tzinfo=None)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def link_url(token: str) -> str:
    return mail.absolute_url(reverse("portal_link", args=[token]))


def _issue_link(account: PortalAccount, purpose: str, lifetime, now) -> tuple[PortalLink, str]:
    token = new_token()
    link = PortalLink.objects.create(
        account=account, purpose=purpose, token_hash=hash_token(token), expires_at=now + lifetime
    )
    return link, token


def _record_email_address(user) -> None:
    """allauth's address record, so password sign-in and password reset know the address."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _holder(email: str, practice_id: int, *, exclude=None):
    """The user of this practice who signs in with ``email``, or None; the neutral refusal when
    the address cannot be used for a reason outside the practice (another practice's sign-in
    is never named as such)."""
    try:
        return holder_in_practice(email, practice_id, exclude=exclude)
    except AddressUnavailable as exc:
        raise PortalAccessError(exc.message) from None


def _user_for(contact, email: str):
    """The contact's sign-in user: an existing client-contact user of this practice without a
    portal account, or a new one. Refuses an address that is someone else's sign-in."""
    user = _holder(email, contact.practice_id)
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=None,  # unusable until the contact chooses one through the link
            full_name=contact.name,
            practice_id=contact.practice_id,
            role=NO_ROLE,
        )
        _record_email_address(user)
        return user
    if user.is_practice_staff:
        raise PortalAccessError(
            f"{email} is the sign-in of a member of staff, so it cannot also be a client's "
            "portal sign-in. Give the contact their own email address first."
        )
    if PortalAccount.objects.filter(user=user).exclude(contact=contact).exists():
        raise PortalAccessError(
            f"{email} is already the portal sign-in of another contact of this practice."
        )
    return user


def _move_sign_in(user, email: str) -> None:
    """The contact's address changed since their first invitation: they sign in with the new
    one from now on, unless it is already someone's sign-in."""
    if _holder(email, user.practice_id, exclude=user) is not None:
        raise PortalAccessError(
            f"{email} is already someone else's sign-in at this practice. Ask the contact for "
            "another address."
        )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.email = email
    user.save(update_fields=["email"])
    _record_email_address(user)


def invite_contact(contact, client, *, by, now: datetime.datetime | None = None) -> PortalAccount:
    """Give ``contact`` portal access to ``client`` and email them a link to set a password.

    1. Check the contact has an email address that is not someone else's sign-in.
    2. Create the contact's user and portal account the first time; later invitations reuse
       them and only add the grant for this client.
    3. Issue a set-password link (7 days) and record the invitation email; it is sent once the
       transaction commits.
    """
    now = now or clock.now()
    email = (contact.email or "").strip().lower()
    if not email:
        raise PortalAccessError(
            f"{contact.name} has no email address: add one before inviting them to the portal."
        )
    if not ClientContact.objects.filter(client=client, contact=contact).exists():
        raise PortalAccessError(f"{contact.name} is not a contact of {client.name}.")
    with transaction.atomic():
        account = PortalAccount.objects.select_related("user").filter(contact=contact).first()
        if account is None:
            account = PortalAccount.objects.create(
                contact=contact, user=_user_for(contact, email), invited_by=by
            )
        elif account.user.email.lower() != email:
            _move_sign_in(account.user, email)
        PortalGrant.objects.get_or_create(
            account=account, client=client, defaults={"granted_by": by}
        )
        link, token = _issue_link(
            account, PortalLink.Purpose.SET_PASSWORD, INVITATION_LIFETIME, now
        )
        practice = contact.practice
        message = mail.compose(
            practice=practice,
            contact=contact,
            kind="invitation",
            subject=f"{practice.name} invites you to their client portal",
            context={
                "link": link_url(token),
                "expires_at": _local(link.expires_at, practice),
                "inviter": by,
                "already_active": account.activated_at is not None,
            },
            client=client,
            queued_by=by,
            now=now,
        )
        mail.queue([message])
    return account


def revoke_grant(account: PortalAccount, client) -> bool:
    """The contact no longer sees ``client`` in the portal. False when they had no access."""
    deleted, _ = PortalGrant.objects.filter(account=account, client=client).delete()
    return bool(deleted)


def revoke_contact(contact, client) -> bool:
    """``revoke_grant`` by contact: used when staff revoke access, or remove the contact from
    the client (a former contact must not keep seeing the client's documents)."""
    account = PortalAccount.objects.filter(contact=contact).first()
    return account is not None and revoke_grant(account, client)


def _over_sign_in_limit(email: str) -> bool:
    key = f"portal:sign-in-links:{hash_token(email)}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > SIGN_IN_LINKS_PER_HOUR
    except ValueError:  # expired between add and incr: this is the first of a new hour
        cache.set(key, 1, timeout=3600)
        return False


def request_sign_in_link(email: str, now: datetime.datetime | None = None) -> bool:
    """Email a 20-minute sign-in link to the portal account with this address.

    An address without portal access gets nothing, and the caller says the same thing either
    way, so the form cannot be used to learn who has an account. Returns whether a link went.
    """
    now = now or clock.now()
    email = (email or "").strip().lower()
    if not email or _over_sign_in_limit(email):
        return False
    # Users are outside row-level security: the address leads to the practice, whose context
    # every portal row is then read in.
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or user.practice_id is None or user.is_practice_staff:
        return False
    with practice_context(user.practice_id), transaction.atomic():
        account = (
            PortalAccount.objects.select_related("contact", "contact__practice")
            .filter(user=user)
            .first()
        )
        if account is None or not account.grants.exists():
            return False
        link, token = _issue_link(account, PortalLink.Purpose.SIGN_IN, SIGN_IN_LINK_LIFETIME, now)
        contact = account.contact
        practice = contact.practice
        message = mail.compose(
            practice=practice,
            contact=contact,
            kind="sign_in",
            subject=f"Your sign-in link for {practice.name}",
            context={
                "link": link_url(token),
                "expires_at": link.expires_at,
                "minutes": int(SIGN_IN_LINK_LIFETIME.total_seconds() // 60),
            },
            now=now,
        )
        mail.queue([message])
    return True


def find_link(token: str) -> PortalLink | None:
    """The link behind a token, looked up across practices: the URL carries no practice."""
    if not token:
        return None
    with unscoped("portal: one-time link looked up by token hash"):
        return (
            PortalLink.unscoped_objects.select_related("practice")
            .filter(token_hash=hash_token(token))
            .first()
        )


def check_link(token: str, now: datetime.datetime | None = None) -> PortalLink:
    """The usable link behind ``token`` (not consumed), or a ``LinkError`` saying why not."""
    now = now or clock.now()
    link = find_link(token)
    if link is None:
        raise LinkError(
            "This link is not valid. Check that you copied all of it, or ask for a new one.",
            status=404,
        )
    if link.used_at is not None:
        raise LinkError(
            "This link has been used already: each link works once. Sign in, or ask for a "
            "new sign-in link."
        )
    if link.expires_at <= now:
        raise LinkError(
            "This link has expired. Ask for a new sign-in link, or ask your accountant to "
            "invite you again."
        )
    return link


def use_link(
    token: str,
    *,
    purpose: str | None = None,
    password: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[PortalAccount, str]:
    """Consume a link, exactly once: the conditional UPDATE on ``used_at IS NULL`` lets one
    caller win. Sets the password when one is given (set-password links), records the sign-in
    and returns the account and the link's purpose."""
    now = now or clock.now()
    link = check_link(token, now)
    if purpose is not None and link.purpose != purpose:
        raise LinkError("This link cannot be used for that.", status=404)
    with practice_context(link.practice_id), transaction.atomic():
        claimed = PortalLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            raise LinkError(
                "This link has been used already: each link works once. Sign in, or ask for "
                "a new sign-in link."
            )
        account = PortalAccount.objects.select_related("user", "contact").get(pk=link.account_id)
        user = account.user
        if not user.is_active:
            raise LinkError("This portal sign-in has been switched off by your accountant.", 403)
        if password is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
        account.activated_at = account.activated_at or now
        account.last_sign_in_at = now
        account.save(update_fields=["activated_at", "last_sign_in_at"])
    return account, link.purpose


def on_contact_removed(sender, link, **kwargs) -> None:
    """``clients.extensions.contact_removed``: the contact loses access to that client."""
    revoke_contact(link.contact, link.client)


def with_portal_access(client_contacts, client):
    """Annotate a client's contact links with their portal access to that client:
    ``portal_granted_at`` (None: no access) and ``portal_activated_at`` (None: not signed in
    yet). Two subqueries in the same SELECT."""
    grants = PortalGrant.objects.filter(
        account__contact_id=OuterRef("contact_id"), client=client
    ).values("granted_at")[:1]
    accounts = PortalAccount.objects.filter(contact_id=OuterRef("contact_id")).values(
        "activated_at"
    )[:1]
    return client_contacts.annotate(
        portal_granted_at=Subquery(grants), portal_activated_at=Subquery(accounts)
    )
