"""Task templates, their items, and the templates assigned to clients."""

import factory

from tests.factories.clients import ClientFactory
from tests.factories.tenancy import TenantFactory


class TaskTemplateFactory(TenantFactory):
    class Meta:
        model = "templates_engine.TaskTemplate"

    name = factory.Sequence(lambda n: f"Template {n}")


class TemplateItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.TemplateItem"

    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    title = factory.Sequence(lambda n: f"Checklist item {n}")
    position = factory.Sequence(lambda n: (n + 1) * 10)


class ClientTemplateFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientTemplate"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))


class ClientExtraItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientExtraItem"

    client_template = factory.SubFactory(
        ClientTemplateFactory, practice=factory.SelfAttribute("..practice")
    )
    stage = "prepare"
    title = "Board pack"


class ClientDisabledItemFactory(TenantFactory):
    class Meta:
        model = "templates_engine.ClientDisabledItem"

    client_template = factory.SubFactory(
        ClientTemplateFactory, practice=factory.SelfAttribute("..practice")
    )
    template_item = factory.SubFactory(
        TemplateItemFactory,
        practice=factory.SelfAttribute("..practice"),
        template=factory.SelfAttribute("..client_template.template"),
        mandatory=False,
    )
