"""factory-boy factories, one module per app (``tests/factories/clients.py`` for the clients
app, ...); tenant rows are created inside their practice's context (``tenancy.TenantFactory``).

Import a factory from its app's module (``from tests.factories.clients import ClientFactory``).
``FACTORIES`` maps a model label to its factory: the URL isolation, portal isolation and
row-level-security walks build any object a route or a table needs from it. It is built here,
from every module of this package: a factory defined in one of them is registered without
editing this file. A subclass of a factory for the same model is a variant
(``PortalUserFactory`` is a ``User`` with no staff role): the registry keeps its base.
"""

import importlib
import pkgutil

from factory.django import DjangoModelFactory


def _model_label(factory) -> str:
    return factory._meta.get_model_class()._meta.label


def _is_variant(factory) -> bool:
    label = _model_label(factory)
    return any(
        issubclass(base, DjangoModelFactory)
        and not base._meta.abstract
        and base is not DjangoModelFactory
        and _model_label(base) == label
        for base in factory.__mro__[1:]
    )


def _factories_by_label() -> dict[str, type[DjangoModelFactory]]:
    registry = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for factory in vars(module).values():
            if not (
                isinstance(factory, type)
                and issubclass(factory, DjangoModelFactory)
                and factory.__module__ == module.__name__
                and not factory._meta.abstract
            ) or _is_variant(factory):
                continue
            label = _model_label(factory)
            assert label not in registry, (
                f"two factories for {label}: {registry[label].__qualname__} and "
                f"{factory.__qualname__} (subclass one from the other to make it a variant)"
            )
            registry[label] = factory
    return registry


FACTORIES = _factories_by_label()
