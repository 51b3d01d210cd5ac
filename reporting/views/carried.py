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
