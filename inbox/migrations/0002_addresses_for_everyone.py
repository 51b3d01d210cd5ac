"""Every practice and client made before the inbox gets its inbound address (new ones get
theirs when they are saved: inbox.addresses.on_practice_saved / on_client_saved)."""

import secrets

from django.db import migrations
from django.utils.text import slugify

TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def addresses_for_everyone(apps, schema_editor):
    Practice = apps.get_model("tenancy", "Practice")
    Client = apps.get_model("clients", "Client")
    InboxAddress = apps.get_model("inbox", "InboxAddress")
    taken = set(InboxAddress.objects.values_list("local_part", flat=True))
    slugs = dict(InboxAddress.objects.filter(client=None).values_list("practice_id", "local_part"))
    for practice in Practice.objects.order_by("pk"):
        if practice.pk in slugs:
            continue
        base = slugify(practice.name)[:40].strip("-") or "practice"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base[:36]}-{n}"
        InboxAddress.objects.create(local_part=slug, practice_id=practice.pk)
        taken.add(slug)
        slugs[practice.pk] = slug
    with_address = set(
        InboxAddress.objects.filter(client__isnull=False).values_list("client_id", flat=True)
    )
    for client in Client.objects.exclude(pk__in=with_address).only("pk", "practice_id"):
        while True:
            token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(10))
            local = f"{slugs[client.practice_id]}+{token}"
            if local not in taken:
                break
        InboxAddress.objects.create(
            local_part=local, practice_id=client.practice_id, client_id=client.pk
        )
        taken.add(local)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("clients", "0002_times_from_the_clock"),
        ("tenancy", "0004_times_from_the_clock"),
    ]

    operations = [migrations.RunPython(addresses_for_everyone, migrations.RunPython.noop)]
