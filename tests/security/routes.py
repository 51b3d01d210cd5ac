"""Walk the URLconf and classify every route for the isolation tests."""

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from atlasos.tenancy.converters import CODE_CONVERTERS

# Whole URLconfs included from libraries, public for the reason given.
THIRD_PARTY = {
    "accounts/": "django-allauth: sign-in, sign-out, password reset and two-factor flows; "
    "pages for signed-in users are guarded by allauth itself",
    "admin/": "the Django admin, for platform superusers only (staff and contacts get its login)",
}


@dataclass
class Route:
    pattern: str
    name: str | None
    view: object
    converters: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        for prefix in THIRD_PARTY:
            if self.pattern.startswith(prefix):
                return "third_party"
        access = getattr(self.view, "atlas_route", None)
        if access == "public":
            return "public"
        if access == "practice":
            return "object" if self.code_converters else "practice"
        if access == "portal":
            return "portal_object" if self.code_converters else "portal"
        return "unclassified"

    @property
    def code_converters(self) -> dict:
        return {
            arg: conv
            for arg, conv in self.converters.items()
            if conv.__class__ in CODE_CONVERTERS.values()
        }

    def __str__(self) -> str:
        return f"{self.name or '?'} /{self.pattern}"


def walk(patterns=None, prefix: str = "", converters=None, namespace: str = "") -> list[Route]:
    """Every route, its name as ``reverse`` takes it (``inbox:message`` in a namespaced app)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes = []
    for entry in patterns:
        pattern = prefix + str(entry.pattern)
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += walk(entry.url_patterns, pattern, found, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            routes.append(Route(pattern, name, entry.callback, found))
    return routes
