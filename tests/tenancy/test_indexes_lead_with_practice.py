"""DESIGN.md §3: every composite unique constraint and hot index of a tenant table starts with
``practice`` (each query runs inside one practice, and row-level security filters on it)."""

from django.apps import apps

from atlasos.tenancy.models import TenantModel


def test_every_tenant_index_and_composite_constraint_leads_with_practice():
    strays = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for index in model._meta.indexes:
            if [field.lstrip("-") for field in index.fields][:1] != ["practice"]:
                strays.append(f"{model._meta.label} index {index.name}: {index.fields}")
        for constraint in model._meta.constraints:
            fields = list(getattr(constraint, "fields", ()))
            if len(fields) > 1 and fields[0] != "practice":
                strays.append(f"{model._meta.label} constraint {constraint.name}: {fields}")
    assert not strays, "lead with practice:\n" + "\n".join(strays)
