"""Settings › Branding: a partner sets the practice's logo and colours (or removes the logo);
what is not a small PNG or JPEG, or not a colour, is refused with its reason and changes
nothing; only a partner may change it."""

import base64
import io
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from atlasos.tenancy.context import practice_context
from reporting.forms import LOGO_MAX_BYTES
from reporting.models import Branding
from tests.helpers import signed_in as client_of

URL = reverse("reporting:branding")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def image_bytes(size=(40, 20), kind="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (34, 68, 102)).save(out, kind)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels (a few hundred bytes: the size
    a decompression bomb hides in)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        PNG_MAGIC
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


NOISE = random.Random(7).randbytes(2048)
PNG = image_bytes()
JPEG = image_bytes((30, 30), "JPEG")


def post(http, logo=None, name="logo.png", **fields):
    data = {"primary_colour": "#224466", "accent_colour": "#aa3300", **fields}
    if logo is not None:
        data["logo_file"] = SimpleUploadedFile(name, logo)
    return http.post(URL, data)


def stored(practice):
    with practice_context(practice.pk):
        rows = Branding.objects.values_list("primary_colour", "accent_colour", "logo_type", "logo")
        return [(*row[:3], bytes(row[3])) for row in rows]


def as_stored(primary, accent, kind, logo):
    return [(primary, accent, kind, logo)]


def page_logo(http) -> str | None:
    page = http.get(URL).content.decode()
    marker = 'src="data:'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split('"', 1)[0]


@pytest.fixture
def branded(signed_in, practice):
    """The practice's branding with the 40×20 PNG logo, set by the partner."""
    assert post(signed_in, PNG).status_code == 302
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)
    return signed_in


def test_a_partner_sets_the_logo_and_colours_and_removes_the_logo(branded, practice):
    assert page_logo(branded) == f"image/png;base64,{base64.b64encode(PNG).decode()}"
    followed = branded.post(
        URL, {"primary_colour": "#224466", "accent_colour": "#aa3300"}, follow=True
    )
    # Saving the colours again without a file keeps the logo.
    assert "Branding saved: the next packs rendered use it." in followed.content.decode()
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)

    response = post(branded, remove_logo="on", primary_colour="#0b0c0d")
    assert response.status_code == 302
    assert stored(practice) == as_stored("#0b0c0d", "#aa3300", "", b"")
    assert page_logo(branded) is None

    # A JPEG is as good as a PNG.
    assert post(branded, JPEG, "logo.jpg").status_code == 302
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/jpeg", JPEG)


def test_an_oversize_logo_is_refused_and_the_old_one_kept(branded, practice):
    too_big = PNG + b"\0" * (LOGO_MAX_BYTES + 1 - len(PNG))
    response = post(branded, too_big, primary_colour="#000000")
    assert response.status_code == 400
    assert "The logo is 301 KB: at most 300 KB." in response.content.decode()
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)

    # Exactly the limit is not refused for its size (it is a PNG with padding after its end).
    at_limit = PNG + b"\0" * (LOGO_MAX_BYTES - len(PNG))
    assert post(branded, at_limit).status_code == 302


@pytest.mark.parametrize(
    ("logo", "says"),
    [
        (b"\0" + NOISE, "The logo must be a PNG or a JPEG image."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "The logo must be a PNG or a JPEG image."),
        (PNG_MAGIC + NOISE, "The logo cannot be read as an image."),
        (PNG[:60], "The logo cannot be read as an image."),  # cut short
        (b"\xff\xd8\xff" + b"\0" * 100, "The logo cannot be read as an image."),
    ],
    ids=["random-bytes", "svg", "png-magic-then-noise", "truncated-png", "jpeg-magic-only"],
)
def test_a_file_that_is_not_a_readable_image_is_refused(branded, practice, logo, says):
    response = post(branded, logo, primary_colour="#000000")
    assert response.status_code == 400
    assert says in response.content.decode()
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("pixels", [(30000, 30000), (10000, 10000)])
def test_a_logo_of_too_many_pixels_is_refused_not_an_error(branded, practice, pixels):
    """A few hundred bytes can claim a picture of a billion pixels, which the worker would
    decode for every pack it renders."""
    response = post(branded, png_header_only(*pixels))
    assert response.status_code == 400
    assert "The logo is too large in pixels" in response.content.decode()
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)


@pytest.mark.parametrize(
    "colours",
    [
        {"primary_colour": "blue"},
        {"primary_colour": "#12345"},
        {"primary_colour": "#1234567"},
        {"accent_colour": "#gg0000"},
        {"accent_colour": "aa3300"},
        {"accent_colour": ""},
    ],
)
def test_an_invalid_colour_is_refused_and_nothing_changes(branded, practice, colours):
    # A good new logo in the same post is not saved either.
    response = post(branded, JPEG, "logo.jpg", **colours)
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "Enter a colour as # and six hexadecimal digits, such as #1f4e79." in text
        or "This field is required." in text
    )
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)


@pytest.mark.parametrize("who", ["manager", "staff"])
def test_only_a_partner_may_change_the_branding(branded, practice, request, who):
    other = client_of(request.getfixturevalue(who))
    assert other.get(URL).status_code == 403
    response = post(other, JPEG, "logo.jpg", primary_colour="#000000", remove_logo="on")
    assert response.status_code == 403
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)


def test_a_practices_branding_is_its_own(branded, practice, other_partner):
    other = client_of(other_partner)
    assert page_logo(other) is None
    assert post(other, JPEG, "logo.jpg", primary_colour="#010203").status_code == 302
    assert stored(practice) == as_stored("#224466", "#aa3300", "image/png", PNG)
