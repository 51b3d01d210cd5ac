from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from atlasos.accounts.decorators import staff_required
from atlasos.redirects import local_url
from notifications import services
from notifications.access import access_notification
from notifications.forms import NotificationSettingsForm
from notifications.models import Notification

PAGE_SIZE = 25
# The new feed's token, kept in the session between the POST that made it and the one page
# that shows it (only its hash is stored in the database).
NEW_FEED_SESSION_KEY = "notifications:new_calendar_feed"


def _back(request: HttpRequest, default: str) -> str:
    return local_url(request, request.POST.get("next", ""), default)


def _list_context(request: HttpRequest) -> dict:
    unread_only = request.GET.get("show") == "unread"
    notifications = Notification.objects.filter(recipient=request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode({"show": "unread"}) if unread_only else ""
    here = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
    return {
        "nav": "notifications",
        "page": page,
        "unread_only": unread_only,
        "query": query,
        "here": here,
    }


@staff_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", _list_context(request))


@staff_required
@require_POST
def notification_read(request: HttpRequest, code) -> HttpResponse:
    notification = access_notification(request, code)
    services.mark_read(notification)
    if request.htmx:
        context = {"notification": notification, "here": _back(request, "")}
        return render(request, "notifications/list.html#item_update", context)
    messages.success(request, f"Marked “{notification.title}” as read.")
    return redirect(_back(request, reverse("notification_list")))


@staff_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if request.htmx:
        return render(request, "notifications/list.html#list_update", _list_context(request))
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    else:
        messages.info(request, "Nothing to mark: every notification was already read.")
    return redirect(_back(request, reverse("notification_list")))


@staff_required
@require_POST
def notification_open(request: HttpRequest, code) -> HttpResponse:
    """Mark the notification read and go where it leads (a POST: link checkers and mail
    scanners that fetch every link must not mark anything read)."""
    notification = access_notification(request, code)
    services.mark_read(notification)
    return redirect(local_url(request, notification.url, reverse("notification_list")))


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", args=[token]))


@staff_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            services.save_email_choice(request.user, form.cleaned_data["email"])
            messages.success(request, "Notification settings saved.")
            return redirect("notification_settings")
    else:
        form = NotificationSettingsForm(initial={"email": services.email_choice(request.user)})
    new_token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    context = {
        "nav": "notifications",
        "form": form,
        "feed": services.active_feed(request.user),
        "new_feed_url": _feed_url(request, new_token) if new_token else None,
    }
    return render(request, "notifications/settings.html", context)


@staff_required
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """Make the member's calendar address, or a new one in place of the old (regenerate)."""
    had_feed = services.active_feed(request.user) is not None
    token = services.create_feed(request.user)
    request.session[NEW_FEED_SESSION_KEY] = token
    if had_feed:
        messages.success(request, "New calendar address made. The old one has stopped working.")
    else:
        messages.success(request, "Calendar address made.")
    return redirect(f"{reverse('notification_settings')}#calendar-feed")


@staff_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    request.session.pop(NEW_FEED_SESSION_KEY, None)
    if services.revoke_feeds(request.user):
        messages.success(
            request,
            "Calendar feed turned off: calendar apps subscribed to it get nothing new.",
        )
    else:
        messages.info(request, "You had no calendar feed to turn off.")
    return redirect(f"{reverse('notification_settings')}#calendar-feed")
