"""Client workflows across models, each in one transaction."""

from django.db import transaction
from django.db.models.functions import Lower

from atlasos import clock
from clients.choices import ClientStatus
from clients.extensions import contact_removed
from clients.models import BankAccount, Client, ClientContact, ClientTag, Contact, Tag


def set_tags(client: Client, names: list[str]) -> None:
    """Give the client exactly these tags, creating the practice's new tags on the way."""
    wanted = {name.lower(): name for name in names}
    existing = {
        t.lname: t for t in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=wanted)
    }
    missing = [Tag(name=name) for key, name in wanted.items() if key not in existing]
    if missing:
        Tag.objects.bulk_create(missing)
        existing.update({t.name.lower(): t for t in missing})
    ClientTag.objects.filter(client=client).exclude(tag__in=existing.values()).delete()
    linked = set(ClientTag.objects.filter(client=client).values_list("tag_id", flat=True))
    ClientTag.objects.bulk_create(
        [ClientTag(client=client, tag=t) for t in existing.values() if t.pk not in linked]
    )


@transaction.atomic
def save_client(form) -> Client:
    """Create or update a client from a valid ``ClientForm``."""
    client = form.save()
    set_tags(client, form.tag_names)
    return client


def archive_client(client: Client) -> None:
    client.status = ClientStatus.ARCHIVED
    client.archived_at = clock.now()
    client.save(update_fields=["status", "archived_at", "updated_at"])


def restore_client(client: Client) -> None:
    client.status = ClientStatus.ACTIVE
    client.archived_at = None
    client.save(update_fields=["status", "archived_at", "updated_at"])


@transaction.atomic
def add_contact(client: Client, *, name: str, email: str, phone: str, position: str) -> Contact:
    """Link a contact to the client. A contact with the same email already in the practice is
    reused, so one director of three companies is one contact."""
    contact = None
    if email:
        contact = Contact.objects.filter(email__iexact=email).first()
    if contact is None:
        contact = Contact.objects.create(name=name, email=email, phone=phone)
    else:
        changed = [f for f, v in (("phone", phone),) if v and not getattr(contact, f)]
        for field in changed:
            setattr(contact, field, phone)
        if changed:
            contact.save(update_fields=changed)
    ClientContact.objects.get_or_create(
        client=client, contact=contact, defaults={"position": position}
    )
    return contact


def remove_contact(link: ClientContact) -> None:
    """Unlink the contact from this client; the contact stays for the practice's other clients.
    The apps above hear of it first, in the same transaction (the portal revokes access)."""
    with transaction.atomic():
        contact_removed.send(sender=ClientContact, link=link)
        link.delete()


def save_bank_account(form, client: Client) -> BankAccount:
    account = form.save(commit=False)
    account.client = client
    account.save()
    return account
