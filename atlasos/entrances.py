"""Doors of the core that apps above it fill: where a signed-in user who is not staff starts,
and which error page they see.

The core's start page and error handlers serve everyone, but the client portal, which owns
client contacts, is floors above the core (DESIGN.md §2). So the portal registers, in its
``AppConfig.ready``, a start page (``user -> URL or None``) and an error page
(``(request, status) -> HttpResponse or None``); the first answer that is not None wins, and
without one the core answers with its own pages.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_start_pages: list[Callable[..., str | None]] = []
_error_pages: list[Callable[[HttpRequest, int], HttpResponse | None]] = []


def register_start_page(start_page: Callable[..., str | None]) -> None:
    if start_page not in _start_pages:
        _start_pages.append(start_page)


def register_error_page(error_page: Callable[[HttpRequest, int], HttpResponse | None]) -> None:
    if error_page not in _error_pages:
        _error_pages.append(error_page)


def start_page_of(user) -> str | None:
    return next((url for start in _start_pages if (url := start(user))), None)


def error_page_for(request: HttpRequest, status: int) -> HttpResponse | None:
    return next(
        (response for page in _error_pages if (response := page(request, status)) is not None),
        None,
    )
