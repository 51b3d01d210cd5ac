from django.shortcuts import redirect
from django.urls import reverse

# Pages a member of a practice that requires two-factor authentication may still open
# before setting it up: the set-up itself, signing out, and static assets.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequirePracticeMFAMiddleware:
    """When a practice makes two-factor authentication compulsory, a member of staff without an
    authenticator app is sent to set one up before anything else. The practice's clients
    (portal contacts) are not: the rule is for the practice's own team."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_practice_staff
            and user.practice.require_mfa
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
