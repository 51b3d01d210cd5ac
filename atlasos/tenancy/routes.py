"""How a view is reached, recorded on the view so the isolation test can classify every route.

- ``@staff_required`` / ``@role_required(...)``: practice staff only; a route that also takes an
  object code (``<client:code>``) fetches through an ``access_*`` helper.
- ``@public("reason")``: reachable without signing in, for the reason given.
"""

from collections.abc import Callable


def public(reason: str) -> Callable:
    if not reason:
        raise ValueError("A public route needs a reason.")

    def decorator(view):
        view.atlas_route = "public"
        view.atlas_public_reason = reason
        return view

    return decorator
