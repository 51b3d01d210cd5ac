"""The top bar's "Inbox" link and the number of messages waiting in triage."""

from django.utils.functional import SimpleLazyObject

from inbox.models import InboundMessage

CACHE_ATTRIBUTE = "_inbox_waiting"


def waiting_in_triage(request) -> int:
    """The practice's messages waiting in triage: one COUNT, once per request (a view that has
    just counted them, or just changed them, sets or clears ``request._inbox_waiting``)."""
    count = getattr(request, CACHE_ATTRIBUTE, None)
    if count is None:
        count = InboundMessage.objects.filter(status=InboundMessage.Status.TRIAGE).count()
        setattr(request, CACHE_ATTRIBUTE, count)
    return count


def forget_waiting(request) -> None:
    """The count changed during this request: count again when the page asks."""
    if hasattr(request, CACHE_ATTRIBUTE):
        delattr(request, CACHE_ATTRIBUTE)


def inbox(request):
    """Nothing for visitors, client contacts and platform admins; for staff a lazy count,
    queried only when a page shows the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_practice_staff:
        return {}
    return {"inbox_waiting": SimpleLazyObject(lambda: waiting_in_triage(request))}
