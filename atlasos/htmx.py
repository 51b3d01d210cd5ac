"""htmx in the views: when a request wants a fragment of the page rather than the page."""

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request that will swap part of the page: answer with that part only. A boosted
    link and a history restore (the back button after the cache was emptied) want the whole
    page, as does a plain visit."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)
