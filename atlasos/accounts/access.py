from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from atlasos.accounts.models import Invitation


def access_member(request, code):
    """A member of the signed-in user's team. Anyone else is a 404: another practice's user, and
    a client contact of this practice too (contacts are managed from the client's Contacts
    tab, never as team members)."""
    return get_object_or_404(get_user_model().objects.staff_of(request.user.practice_id), code=code)


def access_invitation(request, code) -> Invitation:
    return get_object_or_404(Invitation.objects, code=code)
