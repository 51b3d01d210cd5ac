"""The management accounts pack as a PDF: rendered by the worker after the request commits,
filed in the client's documents as a new version each time, its text carrying the figures;
a reviewer approves one version, the one the Deliver panel ticks; ``manage.py render_pack``
writes the same PDF to a file."""

import base64
import html
import io
from decimal import Decimal

import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image
from pypdf.generic import ContentStream

from atlasos.tenancy.context import practice_context
from documents.models import DocType, Document, Source
from reporting.models import AccountsRender, Branding, ReviewPoint
from tasks.models import PackItem
from templates_engine.models import AutoTick
from tests.helpers import signed_in as client_of
from tests.helpers import standard_pack
from tests.reporting.helpers import (
    FILES,
    IN_DECEMBER,
    NOVEMBER,
    explain_variances,
    save,
    upload,
)

State = AccountsRender.State
# A 40×20 PNG, as Pillow writes it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000280000001408020000007024e8ec00000027494441"
    "54789c6314b1a9601808c03420b68e5a3c6af1a8c5a3168f5a3c6af1a8c5a3160f08000027a800f0"
    "6337ffce0000000049454e44ae426082"
)


@pytest.fixture
def imported(signed_in, harbour):
    """October and November imported, November's material variances explained."""
    for name, period in (("xero_old_2026-10.csv", "2026-10"), ("xero_old_2026-11.csv", "2026-11")):
        save(signed_in, harbour, upload(signed_in, harbour, name, period), period)
    explain_variances(signed_in, harbour)
    return harbour


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def render(client, harbour, capture):
    with capture(execute=True):
        return client.post(reverse("reporting:render", args=[harbour.code]), {"period": "2026-11"})


def test_the_pack_renders_files_and_ticks(
    signed_in, practice, imported, django_capture_on_commit_callbacks
):
    pack = standard_pack(practice, imported, now=IN_DECEMBER)
    response = render(signed_in, imported, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    with practice_context(practice.pk):
        done = AccountsRender.objects.get()
        assert done.state == State.READY, done.error
        document = Document.objects.get(doc_type=DocType.MANAGEMENT_ACCOUNTS)
        assert done.document_id == document.pk
        assert (document.source, document.period, document.client_id) == (
            Source.GENERATED,
            NOVEMBER,
            imported.pk,
        )
        rendered = PackItem.objects.get(pack=pack, auto_key=AutoTick.ACCOUNTS_RENDERED)
        assert rendered.done_at is not None
    data = b"".join(
        signed_in.get(reverse("document_download", args=[document.code])).streaming_content
    )
    pages = pdf_text(data)
    assert len(pages) == done.pages >= 6
    assert "Harbour Demo Ltd" in pages[0] and "30 November 2026" in pages[0]
    text = "\n".join(pages)
    for figure in ("80,000.00", "10,000.00", "2,720.00", "21,760.00", "23,770.00", "26,270.00"):
        assert figure in text
    assert "The balance sheet balances: net assets 23,770.00." in text
    assert "Page 2 of" in pages[1]

    page = html.unescape(
        signed_in.get(
            reverse("reporting:accounts", args=[imported.code]) + "?period=2026-11"
        ).content.decode()
    )
    assert "Ready · " in page and "Approve for delivery" in page


def test_each_render_is_a_new_version_and_the_approved_one_is_delivered(
    signed_in,
    practice,
    imported,
    prepared,
    staff,
    manager,
    partner,
    django_capture_on_commit_callbacks,
):
    pack = prepared  # the partner prepared it: the manager reviews and approves
    render(signed_in, imported, django_capture_on_commit_callbacks)
    render(signed_in, imported, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        first, second = AccountsRender.objects.select_related("document").order_by("version")
        assert (first.version, second.version) == (1, 2)
        assert Document.objects.filter(doc_type=DocType.MANAGEMENT_ACCOUNTS).count() == 2

    panel = html.unescape(signed_in.get(pack.get_absolute_url()).content.decode())
    ticked = [d for d in (first.document, second.document) if f'value="{d.code}" checked' in panel]
    assert ticked == [second.document]  # the newest, until one is approved

    client_of(staff).post(reverse("reporting:approve", args=[first.code]))
    signed_in.post(reverse("reporting:approve", args=[first.code]))  # the preparer
    with practice_context(practice.pk):
        assert AccountsRender.objects.filter(approved_at__isnull=False).count() == 0

    as_manager = client_of(manager)
    as_manager.post(reverse("reporting:approve", args=[first.code]))
    with practice_context(practice.pk):
        assert AccountsRender.objects.get(pk=first.pk).approved_by == manager
    panel = html.unescape(as_manager.get(pack.get_absolute_url()).content.decode())
    ticked = [d for d in (first.document, second.document) if f'value="{d.code}" checked' in panel]
    assert ticked == [first.document]


def test_a_failed_render_says_why_and_can_be_asked_again(
    signed_in, practice, imported, django_capture_on_commit_callbacks, monkeypatch
):
    from reporting import pack_document

    def broken(*args, **kwargs):
        raise RuntimeError("out of fonts")

    monkeypatch.setattr(pack_document, "render_pack_pdf", broken)
    render(signed_in, imported, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        failed = AccountsRender.objects.get()
        assert failed.state == State.FAILED
        assert failed.error == "The pack could not be rendered: out of fonts"
        assert not Document.objects.filter(doc_type=DocType.MANAGEMENT_ACCOUNTS).exists()
    page = html.unescape(
        signed_in.get(
            reverse("reporting:accounts", args=[imported.code]) + "?period=2026-11"
        ).content.decode()
    )
    assert "The pack could not be rendered: out of fonts" in page and "Render again" in page


def test_no_trial_balance_nothing_to_render(signed_in, practice, harbour):
    response = signed_in.post(
        reverse("reporting:render", args=[harbour.code]), {"period": "2026-11"}, follow=True
    )
    assert "There is no trial balance for November 2026 to render." in html.unescape(
        response.content.decode()
    )
    with practice_context(practice.pk):
        assert not AccountsRender.objects.exists()


def painted(reader, page) -> tuple[list, set[str]]:
    """What ``page`` paints: its images (as Pillow images) and its colours (as #rrggbb), read
    from its content stream and the form XObjects it draws, not from the resources WeasyPrint
    shares between every page of the document."""
    images, colours = [], set()

    def walk(content, resources):
        xobjects = resources.get("/XObject", {}) if resources else {}
        for operands, operator in ContentStream(content, reader).operations:
            if operator in (b"rg", b"RG") and len(operands) == 3:
                colours.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in operands))
            elif operator == b"Do":
                xobject = xobjects[operands[0]].get_object()
                if xobject["/Subtype"] == "/Image":
                    images.append(xobject.decode_as_image())
                elif xobject["/Subtype"] == "/Form":
                    walk(xobject, xobject.get("/Resources", resources))

    walk(page.get_contents(), page["/Resources"])
    return images, colours


def render_to(path, harbour):
    call_command("render_pack", client=harbour.short_code, period="2026-11", out=str(path))
    return pypdf.PdfReader(path)


def test_the_branding_goes_on_the_cover(signed_in, practice, imported, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # No branding yet: the default colours, the practice's name and no image on the cover.
    reader = render_to(tmp_path / "plain.pdf", imported)
    images, colours = painted(reader, reader.pages[0])
    assert images == [] and "#1f4e79" in colours and "#224466" not in colours
    assert reader.pages[0].extract_text().count("Harbour & Co Bookkeeping") == 2  # and "by"

    response = signed_in.post(
        reverse("reporting:branding"),
        {
            "primary_colour": "#224466",
            "accent_colour": "#aa3300",
            "logo_file": SimpleUploadedFile("logo.png", PNG),
        },
    )
    assert response.status_code == 302
    bad = signed_in.post(
        reverse("reporting:branding"),
        {
            "primary_colour": "blue",
            "accent_colour": "#aa3300",
            "logo_file": SimpleUploadedFile("logo.png", b"<svg/>"),
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "The logo must be a PNG or a JPEG image." in text
    assert "Enter a colour as # and six hexadecimal digits" in text
    with practice_context(practice.pk):
        branding = Branding.objects.get()
        assert (branding.primary_colour, branding.logo_type) == ("#224466", "image/png")
    page = signed_in.get(reverse("reporting:branding")).content.decode()
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in page

    reader = render_to(tmp_path / "pack.pdf", imported)
    cover = reader.pages[0]
    images, colours = painted(reader, cover)
    # The logo, itself: 40×20 and pixel for pixel the PNG uploaded.
    assert [image.size for image in images] == [(40, 20)]
    uploaded = Image.open(io.BytesIO(PNG)).convert("RGB")
    assert images[0].convert("RGB").tobytes() == uploaded.tobytes()
    assert "#224466" in colours and "#1f4e79" not in colours  # the cover's band and title
    # The logo is on the cover only; the headings are in the main colour, ruled in the accent.
    assert all(painted(reader, page)[0] == [] for page in reader.pages[1:])
    assert {"#224466", "#aa3300"} <= painted(reader, reader.pages[1])[1]
    assert "Harbour Demo Ltd" in cover.extract_text()
    assert cover.extract_text().count("Harbour & Co Bookkeeping") == 1  # the logo instead

    # The logo removed: the name again, no image, the colours kept.
    response = signed_in.post(
        reverse("reporting:branding"),
        {"primary_colour": "#224466", "accent_colour": "#aa3300", "remove_logo": "on"},
    )
    assert response.status_code == 302
    reader = render_to(tmp_path / "no-logo.pdf", imported)
    images, colours = painted(reader, reader.pages[0])
    assert images == [] and "#224466" in colours
    assert reader.pages[0].extract_text().count("Harbour & Co Bookkeeping") == 2


def test_render_pack_says_what_is_wrong(db, practice, harbour, tmp_path):
    out = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="is not a month as YYYY-MM"):
        call_command("render_pack", client=harbour.short_code, period="2026-13", out=out)
    with pytest.raises(CommandError, match="No client with the code 'NOPE'"):
        call_command("render_pack", client="NOPE", period="2026-11", out=out)
    with pytest.raises(CommandError, match="has no trial balance for November 2026"):
        call_command("render_pack", client=harbour.short_code, period="2026-11", out=out)


def test_an_unmapped_account_with_a_balance_stops_the_pack(signed_in, practice, harbour):
    data = (FILES / "xero_old_2026-11.csv").read_bytes()
    data = data.replace(b"Rent (469)", b"Rent (Z99)").replace(b"\nExpenses\n", b"\nCosts\n")
    save(signed_in, harbour, upload(signed_in, harbour, "tb.csv", content=data))
    response = signed_in.post(
        reverse("reporting:render", args=[harbour.code]), {"period": "2026-11"}, follow=True
    )
    assert (
        "1 account with a balance is not mapped to a report line (Z99): map them on the "
        "account mapping page before preparing the pack."
        in html.unescape(response.content.decode())
    )
    with practice_context(practice.pk):
        assert not AccountsRender.objects.exists()


def test_open_queries_are_printed(
    signed_in, practice, imported, prepared, manager, django_capture_on_commit_callbacks
):
    from reporting import review
    from tests.portal.helpers import portal_contact

    portal_contact(practice, [imported])
    with practice_context(practice.pk):
        point = ReviewPoint.objects.create(pack=prepared, text="Lease?", raised_by=manager)
        review.ask_client(point, manager, "Please send the new lease for the unit.")
    render(signed_in, imported, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        document = AccountsRender.objects.get().document
    download = signed_in.get(reverse("document_download", args=[document.code]))
    text = "\n".join(pdf_text(b"".join(download.streaming_content)))
    assert "Open queries" in text and "Please send the new lease for the unit." in text


def test_one_render_at_a_time_and_no_approval_of_stale_figures(
    signed_in, practice, imported, prepared, manager
):
    from reporting import pack_versions

    with practice_context(practice.pk):
        AccountsRender.objects.create(client=imported, period=NOVEMBER, version=1)
    response = signed_in.post(
        reverse("reporting:render", args=[imported.code]), {"period": "2026-11"}, follow=True
    )
    assert "A version is rendering already" in html.unescape(response.content.decode())
    with practice_context(practice.pk):
        stale = AccountsRender.objects.get()
        AccountsRender.objects.filter(pk=stale.pk).update(state=State.READY)
        stale.refresh_from_db()
        with pytest.raises(pack_versions.RenderRefused, match="imported again after this"):
            pack_versions.approve(stale, manager)  # made before the trial balance it shows


def test_the_appendix_keeps_an_account_the_months_export_leaves_out(signed_in, practice, harbour):
    """Bank Fees (404) is in October's export and not November's (back to nil): the appendix's
    finance charges add up to the statement's, minus October's 350.00 year to date."""
    from reporting.building import accounts_for
    from reporting.pack_document import _month_lines, detailed_accounts

    save(
        signed_in,
        harbour,
        upload(signed_in, harbour, "xero_old_2026-10.csv", "2026-10"),
        "2026-10",
    )
    november = (
        (FILES / "xero_old_2026-11.csv")
        .read_bytes()
        .replace(b"Bank Fees (404),50.00,,400.00,\n", b"")
        .replace(b"Business Bank Account,,,26270.00,", b"Business Bank Account,,,26670.00,")
    )
    save(signed_in, harbour, upload(signed_in, harbour, "tb.csv", content=november))
    with practice_context(practice.pk):
        groups = dict(detailed_accounts(harbour, NOVEMBER, _month_lines(harbour, NOVEMBER)))
        statement = accounts_for(harbour, NOVEMBER).income.row("finance_charges")
    finance = next(rows for line, rows in groups.items() if line.key == "finance_charges")
    assert [(r.code, r.month, r.total) for r in finance] == [("404", Decimal("-350.00"), 0)]
    assert sum(r.month for r in finance) == statement.values[0] == Decimal("-350.00")
