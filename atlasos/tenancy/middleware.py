from atlasos.tenancy.context import practice_context, unscoped


class PracticeContextMiddleware:
    """Run the rest of the request inside the signed-in user's practice.

    Platform superusers belong to no practice; they work only in the Django admin, which runs
    across practices inside ``unscoped``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if user.practice_id is not None:
            with practice_context(user.practice_id):
                return self.get_response(request)
        if user.is_superuser and request.path.startswith("/admin/"):
            with unscoped(f"admin: {user.email} {request.method} {request.path}"):
                return self.get_response(request)
        return self.get_response(request)
