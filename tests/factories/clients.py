"""Clients, their contacts, bank accounts and tags, and CSV imports."""

import factory

from clients.choices import EntityType
from clients.models import (
    BankAccount,
    Client,
    ClientContact,
    ClientImport,
    ClientTag,
    Contact,
    Tag,
)
from tests.factories.tenancy import TenantFactory


class ClientFactory(TenantFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    short_code = factory.Sequence(lambda n: f"CL{n:04d}")
    entity_type = EntityType.LIMITED_COMPANY


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example.com")


class ClientContactFactory(TenantFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    contact = factory.SubFactory(ContactFactory, practice=factory.SelfAttribute("..practice"))


class BankAccountFactory(TenantFactory):
    class Meta:
        model = BankAccount

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    name = "Business Current Account"
    bank_name = "Barclays"
    sort_code = "200000"
    account_number = factory.Sequence(lambda n: f"{10000000 + n}")


class TagFactory(TenantFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class ClientTagFactory(TenantFactory):
    class Meta:
        model = ClientTag

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    tag = factory.SubFactory(TagFactory, practice=factory.SelfAttribute("..practice"))


class ClientImportFactory(TenantFactory):
    class Meta:
        model = ClientImport

    file_name = "clients.csv"
    storage_key = factory.Sequence(lambda n: f"imports/missing-{n}.csv")
