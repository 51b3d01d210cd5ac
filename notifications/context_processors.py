from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell: one COUNT query, run only when a page shows the bell to a signed-in member of a
    practice; nothing at all for visitors, client contacts or platform admins."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_practice_staff:
        return {}

    def bell():
        from notifications.services import Bell, unread_count

        return Bell(unread_count(user))

    return {"bell": SimpleLazyObject(bell)}
