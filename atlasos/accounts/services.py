"""Team workflows: invitations, roles, deactivation."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from atlasos import clock
from atlasos.accounts.models import Invitation, Role, hash_token
from atlasos.accounts.sign_in_addresses import AddressUnavailable, holder_in_practice
from atlasos.mail_headers import one_line
from atlasos.tenancy.context import practice_context, unscoped

User = get_user_model()


class TeamError(ValidationError):
    """A team change that would break a rule (e.g. removing the last partner)."""


def invite_member(*, practice, invited_by, email: str, role: str, full_name: str = "") -> str:
    """Create an invitation and email its link. Returns the link (for the sender's message)."""
    email = email.strip().lower()
    if role not in Role.values:
        raise TeamError("Choose staff, manager or partner.")
    _check_address_is_free(email, practice.pk)
    token = Invitation.new_token()
    with transaction.atomic():
        # A fresh invitation replaces any earlier one still pending for the same address.
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=clock.now())
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name.strip(),
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by,
            expires_at=clock.now() + timedelta(days=settings.ATLASOS_INVITATION_DAYS),
        )
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token])
    context = {"invitation": invitation, "practice": practice, "link": link, "inviter": invited_by}
    message = EmailMultiAlternatives(
        subject=one_line(f"{invited_by} invited you to {practice.name} on AtlasOS"),
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[email],
        reply_to=[invited_by.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    transaction.on_commit(message.send)
    return link


def _check_address_is_free(email: str, practice_id: int) -> None:
    try:
        holder = holder_in_practice(email, practice_id)
    except AddressUnavailable as exc:
        raise TeamError(exc.message) from None
    if holder is None:
        return
    if holder.is_practice_staff:
        state = "" if holder.is_active else " (deactivated: reactivate them instead)"
        raise TeamError(f"{email} is already the sign-in of {holder}, a member of the team{state}.")
    raise TeamError(
        f"{email} is the client portal sign-in of {holder}, a contact of one of the practice's "
        "clients, so it cannot also be a member of staff's sign-in. Ask for another email address."
    )


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind a link. Looked up across practices: the link carries no practice."""
    with unscoped("invitation link: look up by token hash"):
        return (
            Invitation.unscoped_objects.select_related("practice")
            .filter(token_hash=hash_token(token))
            .first()
        )


def accept_invitation(token: str, *, full_name: str, password: str) -> User:
    """Create the member's account from a pending invitation, exactly once."""
    invitation = find_invitation(token)
    if invitation is None:
        raise TeamError("This invitation link is not valid.")
    with practice_context(invitation.practice_id), transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise TeamError("This invitation has already been used. Sign in instead.")
        if invitation.revoked_at:
            raise TeamError("This invitation was withdrawn. Ask your practice for a new one.")
        if invitation.is_expired:
            raise TeamError("This invitation has expired. Ask your practice for a new one.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise TeamError("An account with this email address already exists. Sign in instead.")
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            practice_id=invitation.practice_id,
            role=invitation.role,
        )
        _record_email_address(user)
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _record_email_address(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _active_partner_ids(practice_id: int) -> list[int]:
    return list(
        User.objects.select_for_update()
        .filter(practice_id=practice_id, role=Role.PARTNER, is_active=True)
        .values_list("pk", flat=True)
    )


def _require_staff(member) -> None:
    # Team actions are for the practice's staff; a client contact must never become one.
    if not member.is_practice_staff:
        raise TeamError(
            f"{member} is a client contact, not a member of staff: manage their portal access "
            "from the client's Contacts tab."
        )


@transaction.atomic
def change_role(member, role: str) -> None:
    _require_staff(member)
    if role not in Role.values:
        raise TeamError("Choose staff, manager or partner.")
    stepping_down = member.role == Role.PARTNER and role != Role.PARTNER
    if stepping_down and _active_partner_ids(member.practice_id) == [member.pk]:
        raise TeamError(
            "The practice needs at least one partner: make someone else a partner first."
        )
    member.role = role
    member.save(update_fields=["role"])


@transaction.atomic
def deactivate_member(member) -> None:
    """The member can no longer sign in and their sessions end; their history stays."""
    _require_staff(member)
    if member.role == Role.PARTNER and _active_partner_ids(member.practice_id) == [member.pk]:
        raise TeamError(
            "The last partner cannot be deactivated: make someone else a partner first."
        )
    member.is_active = False
    member.deactivated_at = clock.now()
    member.save(update_fields=["is_active", "deactivated_at"])
    end_sessions(member)


def reactivate_member(member) -> None:
    _require_staff(member)
    member.is_active = True
    member.deactivated_at = None
    member.save(update_fields=["is_active", "deactivated_at"])


def end_sessions(user) -> None:
    """End every signed-in session of the member (allauth's usersessions tracks them)."""
    from allauth.usersessions.models import UserSession

    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
