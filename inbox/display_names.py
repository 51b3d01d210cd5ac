"""``display_name``: a declared attachment file name made safe to show (never used as a
path): no directories, no control, format or bidi characters, no Windows device names, at
most ``MAX_NAME`` characters keeping the extension.

Its own module because the walk, the unpacked containers and the skipped list all name files
the same way. Pure: standard library only.
"""

import mimetypes
import re

from inbox.mail_text import one_line
from inbox.parsed_message import MAX_NAME


def display_name(name: str, content_type: str, number: int) -> str:
    """A file name safe to show and never used as a path: the part after the last / or \\,
    without control, format or bidi characters (U+202E would hide ``exe``), without dots or
    spaces at the ends, a Windows device name (CON, NUL...) prefixed with "_", at most 150
    characters keeping the extension; "attachment-3.pdf" when nothing is left."""
    name = one_line(re.split(r"[/\\]", name or "")[-1], 4 * MAX_NAME)
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if re.fullmatch(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])", stem.split(".")[0].strip()):
        name, stem = f"_{name}", f"_{stem}"
    if len(name) > MAX_NAME:
        if dot and 0 < len(extension) <= 16:
            name = f"{stem[: MAX_NAME - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            name = name[:MAX_NAME].rstrip(" .")
    if not name:
        guessed = mimetypes.guess_extension(content_type or "", strict=False) or ""
        name = f"attachment-{number}{guessed}"
    return name
