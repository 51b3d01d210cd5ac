"""A file carried from its preview to its save inside the form (base64), so nothing is stored
until the bookkeeper saves: the upload on the first step, the carried copy on the next."""

import base64
import binascii


def carried_file(request, default_name: str) -> tuple[bytes, str]:
    """The file the preview carried: (b"", name) when it was lost or tampered with."""
    try:
        data = base64.b64decode(request.POST.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    return data, request.POST.get("filename", "")[:255] or default_name


def carry(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def uploaded_or_carried(request, form_class, default_name: str):
    """(data, filename, None) from the upload (checked by ``form_class``) or from the copy the
    preview carried; (b"", "", why) when there is neither."""
    if "file" in request.FILES:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return b"", "", " ".join(form.errors.get("file", ["Choose a file."]))
        upload = form.cleaned_data["file"]
        return upload.read(), upload.name, None
    data, filename = carried_file(request, default_name)
    if not data:
        return b"", "", "The file was lost on the way: upload it again."
    return data, filename, None
