def navigation(request):
    """The signed-in member's practice, for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.practice_id is None:
        return {"practice": None}
    return {"practice": user.practice}
