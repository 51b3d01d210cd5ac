"""The personal iCalendar feed: the user's pack due dates, for their calendar app."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from atlasos import clock
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.routes import public
from notifications import services
from tasks.ical import build_calendar


@public(
    "iCalendar feed: calendar apps cannot sign in, so the secret revocable token in the "
    "address is the credential"
)
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = services.find_feed(token)
    if feed is None:
        raise Http404("No such calendar feed.")
    with practice_context(feed.practice_id):
        calendar = build_calendar(feed.user, feed.user.practice, clock.now())
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="atlasos.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
