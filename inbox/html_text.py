"""``html_to_text``: the readable text of an HTML body (scripts and styles dropped, blocks
on new lines), for a message that has no plain-text body. Whatever the markup, it returns what
was read so far rather than raising. Pure: standard library only.
"""

import re
from html.parser import HTMLParser


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body: scripts and styles dropped, blocks on new lines."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.pieces.append(data)


def html_to_text(html: str, limit: int) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(html[: limit * 2])
        parser.close()
    except Exception:
        pass  # what was read so far is the text
    text = re.sub(r"[ \t\xa0]+", " ", "".join(parser.pieces))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()[:limit]
