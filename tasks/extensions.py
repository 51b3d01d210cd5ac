"""Places on a pack's pages that the apps above tasks fill.

The pack page and the calendar's side panel show things tasks does not own — the document
request's progress, the Deliver panel — yet tasks may not import those apps (DESIGN.md §2).
So an app registers a provider in its ``AppConfig.ready`` and tasks asks every provider:

- ``parts``: templates to render in a named slot of the page: ``"facts"`` (the pack's facts
  list, on both pages) and ``"deliver"`` (inside the deliver stage, on the pack page), each with
  its own context (the ``pack_part`` template tag renders them);
- ``deliver_warning``: a sentence to show in the deliver stage, and to ask before the deliver
  item is ticked ("Receipts are still outstanding: delivering closes the request…").

A provider is ``provider(request, pack, *, page, **extra) -> PackExtras`` with ``page`` either
``"pack"`` or ``"panel"``; ``extra`` passes what a provider's own view re-renders the pack page
with (a bound form). It must run a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PackPart:
    template: str
    context: dict = field(default_factory=dict)


@dataclass
class PackExtras:
    parts: dict[str, list[PackPart]] = field(default_factory=dict)
    deliver_warning: str = ""

    def add(self, other: "PackExtras") -> None:
        for slot, parts in other.parts.items():
            self.parts.setdefault(slot, []).extend(parts)
        self.deliver_warning = " ".join(filter(None, [self.deliver_warning, other.deliver_warning]))


_providers: list[Callable[..., PackExtras]] = []


def register_pack_parts(provider: Callable[..., PackExtras]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def pack_extras(request, pack, *, page: str, **extra) -> PackExtras:
    """What every registered app adds to ``pack``'s ``page``."""
    extras = PackExtras()
    for provider in _providers:
        extras.add(provider(request, pack, page=page, **extra))
    return extras


# --- facts about a client's month, for the apps beside each other ---------------------------
#
# The management accounts pack reports each bank account's reconciliation, yet reporting may
# not import reconciliation (they share a floor). An app registers a provider of plain rows,
# ``provider(client_id, period) -> list[dict]``, under a name; another asks for them by name.
# A provider runs a constant number of queries.

_period_facts: dict[str, Callable[..., list[dict]]] = {}


def register_period_facts(name: str, provider: Callable[..., list[dict]]) -> None:
    _period_facts[name] = provider


def period_facts(name: str, client_id: int, period) -> list[dict] | None:
    """The rows the provider registered as ``name`` gives; None when no app provides them."""
    provider = _period_facts.get(name)
    return provider(client_id, period) if provider else None
