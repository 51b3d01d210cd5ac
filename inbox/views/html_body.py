"""An email's HTML body made safe to look at: sanitised with nh3 (no script, no form, no
event handler, no frame), with nothing that would load from elsewhere (an image only from the
message itself, ``cid:``, which the page never fetches; no ``srcset``; no URL in a style; no
relative URL), and every link opening a new tab with ``rel="noopener noreferrer"``.

The page shows the result in a sandboxed frame whose response forbids loading anything
(``message_html``): the sanitiser and the frame's policy each stop remote content alone."""

import re

import nh3

# Presentation an email may keep; none of these takes a URL.
STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "line-height",
        "text-align",
        "text-decoration",
        "vertical-align",
        "white-space",
        "width",
        "height",
        "max-width",
        "margin",
        "margin-top",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "padding",
        "padding-top",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
        "border-collapse",
        "border-color",
        "border-width",
        "border-style",
        "display",
    }
)
# A style value that could fetch something or hide an escape: dropped whole.
SUSPECT_STYLE = re.compile(r"url|image|expression|\\|@|/\*|behaviou?r|binding", re.IGNORECASE)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "head", "template", "noscript"})


def _attributes() -> dict[str, set[str]]:
    allowed = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    allowed["*"] = {"style", "title", "dir", "lang"}
    # Quotation sources are URLs a reader never needs.
    for tag in ("blockquote", "q", "del", "ins"):
        allowed[tag].discard("cite")
    return allowed


ATTRIBUTES = _attributes()
TAGS = frozenset(nh3.ALLOWED_TAGS - {"area", "map"})


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        # Only the message's own parts; the page never fetches them either.
        return value if value.strip().lower().startswith("cid:") else None
    if attribute == "style":
        return None if SUSPECT_STYLE.search(value) else value
    return value


def sanitise(html: str) -> str:
    """``html`` as it may be shown: see the module's docstring."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ATTRIBUTES,
        attribute_filter=_keep,
        url_schemes=set(URL_SCHEMES | {"cid"}),
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
    )
