"""Header values that can always be written: one line, whatever a person typed.

A name typed (or imported) with a line break would make every email whose subject or sender
carries it fail with ``BadHeaderError``. Subjects and display names are built through
``one_line``, when recorded and again when sent, so a row recorded before this rule still goes.
"""

import re

# C0 controls (CR, LF, TAB, NUL...), DEL, and the Unicode line and paragraph separators.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value, limit: int | None = None) -> str:
    """``value`` with every run of whitespace or control characters collapsed to one space,
    stripped, and cut to ``limit`` characters (ending in "…") when given."""
    text = " ".join(_BREAKS.sub(" ", str(value)).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
