from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from atlasos.accounts.models import Role


def role_required(*roles: str):
    """Signed-in practice staff with one of ``roles`` (any staff role when none are named).

    Anonymous users go to the sign-in page; signed-in users without the role get 403.
    """
    allowed = set(roles or Role.values)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_practice_staff or user.role not in allowed:
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        wrapper.atlas_route = "practice"
        wrapper.atlas_roles = tuple(sorted(allowed))
        return wrapper

    return decorator


staff_required = role_required()
partner_required = role_required(Role.PARTNER)
manager_required = role_required(Role.PARTNER, Role.MANAGER)
