"""Where a form may send the user back to: only a page of this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request: HttpRequest, target: str, default: str, *, under: str = "") -> str:
    """``target`` if it is a page of this site (and, with ``under``, below that path); else
    ``default``. Guards every ``next`` parameter and stored link we redirect to."""
    if (
        target
        and target.startswith(under)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
