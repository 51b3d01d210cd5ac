"""What the isolation walks share (``test_url_isolation.py``, ``test_portal_isolation.py`` and
the hostile-input sweep): the object a route takes, made through the factory registered for its
converter's model (``tests.factories.FACTORIES``), and a snapshot of a practice's rows to prove a
request changed none of them."""

from collections import deque

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from atlasos.tenancy.context import unscoped
from atlasos.tenancy.models import TenantModel
from clients.models import Client
from tests.factories import FACTORIES
from tests.factories.clients import ClientFactory

METHODS = ["get", "post", "put", "patch", "delete"]


def snapshot(practice_id: int) -> dict:
    """Every row a practice owns, to prove a request changed none of them."""
    rows = {}
    with unscoped("test: snapshot of a practice"):
        for model in apps.get_models():
            if issubclass(model, TenantModel):
                qs = model.unscoped_objects.filter(practice_id=practice_id).order_by("pk")
                rows[model._meta.label] = list(qs.values())
    rows["users"] = list(
        get_user_model().objects.filter(practice_id=practice_id).order_by("pk").values()
    )
    return rows


def make_staff_route_object(route, practice):
    """The object a staff route takes, made in ``practice``. Returns (argument name, object)."""
    ((arg, converter),) = route.code_converters.items()
    factory = FACTORIES.get(converter.model_label)
    assert factory, (
        f"add a factory for {converter.model_label} to its app's module in tests/factories/"
    )
    return arg, factory(practice=practice)


# --- the portal -------------------------------------------------------------------------------

# The state an object must be in for a contact of its client to see it: objects of the other
# client are made in the same state, so their 404 can only come from the grant.
VISIBLE_TO_CONTACTS = {
    "portal.DocumentRequest": {"status": "sent"},
    "portal.RequestItem": {"request__status": "sent"},
    "documents.Document": {"source": "portal"},
}


def client_path(model) -> str | None:
    """The factory keyword that sets ``model``'s client through its foreign keys: ``client``,
    ``request__client``, ... (shortest path; None when the model has no client)."""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.get_fields():
            if not isinstance(field, models.ForeignKey) or field.null:
                continue
            path = f"{prefix}{field.name}"
            if field.related_model is Client:
                return path
            if field.related_model not in seen:
                seen.add(field.related_model)
                queue.append((field.related_model, f"{path}__"))
    return None


def make_portal_route_object(route, practice, client=None):
    """The route's object in ``practice``, belonging to ``client`` when given, in the state its
    contact could see. Returns (url, object)."""
    ((arg, converter),) = route.code_converters.items()
    label = converter.model_label
    if label == "clients.Client":
        obj = client or ClientFactory(practice=practice)
    else:
        factory = FACTORIES.get(label)
        assert factory, f"add a factory for {label} to its app's module in tests/factories/"
        kwargs = dict(VISIBLE_TO_CONTACTS.get(label, {}))
        path = client_path(factory._meta.model)
        if client is not None and path:
            kwargs[path] = client
        obj = factory(practice=practice, **kwargs)
    return reverse(route.name, kwargs={arg: obj.code}), obj
