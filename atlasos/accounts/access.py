from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from atlasos.accounts.models import Invitation


def access_member(request, code):
    """A member of the signed-in user's practice; anyone else is a 404."""
    return get_object_or_404(
        get_user_model().objects.of_practice(request.user.practice_id), code=code
    )


def access_invitation(request, code) -> Invitation:
    return get_object_or_404(Invitation.objects, code=code)
