"""Fetch a notification for a view: only its recipient sees it; anyone else gets a 404, another
practice's member (the scoped manager) and a colleague (the recipient filter) alike."""

from django.shortcuts import get_object_or_404

from notifications.models import Notification


def access_notification(request, code) -> Notification:
    return get_object_or_404(Notification.objects.all(), code=code, recipient=request.user)
