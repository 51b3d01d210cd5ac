"""Address headers read strictly: ``read_sender`` gives From's one address and display
name (or no address when From does not name exactly one mailbox), ``read_mailboxes`` the
mailboxes of To or Cc (groups flattened, invalid ones left out).

Read by hand from the raw header rather than through the ``email`` package's header parser:
strict where a lenient reading would name the wrong sender (a display name that looks like an
address, stray words, an open quote or bracket). Pure: standard library only.
"""

import re
import unicodedata

from inbox.mail_text import decode_words, from_raw, header_text, one_line
from inbox.parsed_message import MAX_FROM_NAME

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_LOCAL = re.compile(rf'(?:{_ATEXT}+(?:\.{_ATEXT}+)*|"[^"\\\x00-\x1f]{{1,64}}")', re.UNICODE)
_ALNUM = r"A-Za-z0-9\u0080-\U0010ffff"
_LABEL = rf"[{_ALNUM}](?:[{_ALNUM}\-]{{0,61}}[{_ALNUM}])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


_NOT_IN_ADDRESSES = {"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"}


def _addr_spec(text: str) -> str:
    """``text`` as a lowercase addr-spec, or "" when it is not exactly one."""
    local, at, domain = text.strip().rpartition("@")
    if not at or not local or len(text) > 254:
        return ""
    if not _LOCAL.fullmatch(local) or len(local) > 64 or not _DOMAIN.fullmatch(domain):
        return ""
    if any(unicodedata.category(c) in _NOT_IN_ADDRESSES for c in local + domain):
        return ""
    return f"{local}@{domain}".lower()


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """A mailbox list cut into ('text'|'quoted'|'comment'|'angle'|'comma'|'colon'|'semi', value)
    tokens; None when a quote, comment or angle bracket is left open."""
    tokens: list[tuple[str, str]] = []
    plain: list[str] = []
    i, n = 0, len(text)

    def flush() -> None:
        if plain:
            tokens.append(("text", "".join(plain)))
            plain.clear()

    while i < n:
        char = text[i]
        if char == '"':
            flush()
            j, value = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                value.append(text[j])
                j += 1
            if j >= n:
                return None
            tokens.append(("quoted", "".join(value)))
            i = j + 1
        elif char == "(":
            flush()
            depth, j, value = 1, i + 1, []
            while j < n and depth:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                elif text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                if depth:
                    value.append(text[j])
                j += 1
            if depth:
                return None
            tokens.append(("comment", "".join(value)))
            i = j
        elif char == "<":
            flush()
            j = text.find(">", i + 1)
            if j < 0:
                return None
            tokens.append(("angle", text[i + 1 : j]))
            i = j + 1
        elif char in ",:;":
            flush()
            tokens.append(({",": "comma", ":": "colon", ";": "semi"}[char], char))
            i += 1
        elif char == ">":
            return None
        else:
            plain.append(char)
            i += 1
    flush()
    return tokens


def _mailbox(tokens: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(display name, address) of one mailbox's tokens, or None when it is not exactly one.

    With an angle address, the address is what is inside the brackets and nothing else: the
    display name never yields an address, even when it looks like one
    (``alice@example.com <bob@example.com>`` is bob's, as mail clients show it)."""
    angles = [value for kind, value in tokens if kind == "angle"]
    if len(angles) > 1:
        return None
    if angles:
        last_angle = max(i for i, (kind, _) in enumerate(tokens) if kind == "angle")
        after = tokens[last_angle + 1 :]
        if any(kind != "comment" and value.strip() for kind, value in after):
            return None
        name_tokens = [v for kind, v in tokens[:last_angle] if kind in ("text", "quoted")]
        address = _addr_spec(angles[0])
        name = " ".join(v.strip() for v in name_tokens if v.strip())
    else:
        if any(kind == "quoted" for kind, _ in tokens):
            quoted_local = "".join(
                f'"{v}"' if kind == "quoted" else v for kind, v in tokens if kind != "comment"
            )
            address = _addr_spec(quoted_local)
        else:
            address = _addr_spec("".join(v for kind, v in tokens if kind == "text"))
        name = " ".join(v.strip() for kind, v in tokens if kind == "comment" and v.strip())
    if not address:
        return None
    return one_line(decode_words(name), MAX_FROM_NAME), address


def read_mailboxes(raw_value: str) -> list[tuple[str, str]] | None:
    """The mailboxes of an address header (groups flattened), each parsed strictly; None when
    the header cannot be cut into mailboxes at all. Invalid mailboxes are left out."""
    tokens = _tokens(re.sub(r"\r\n|\r|\n", "", from_raw(raw_value)))
    if tokens is None:
        return None
    found: list[tuple[str, str]] = []
    current: list[tuple[str, str]] = []
    for kind, value in [*tokens, ("comma", ",")]:
        if kind in ("comma", "semi"):
            if current and any(v.strip() for k, v in current if k != "comment"):
                mailbox = _mailbox(current)
                if mailbox:
                    found.append(mailbox)
            current = []
        elif kind == "colon":
            current = []  # "Group name:" starts a group; its name is not an address
        else:
            current.append((kind, value))
    return found


def _unparsed_name(raw_value: str) -> str:
    """What a From that names no single sender shows, for staff: its text without brackets."""
    return one_line(re.sub(r"<[^<>]*>", "", header_text(raw_value)), MAX_FROM_NAME)


def read_sender(raw_value: str | None) -> tuple[str, str]:
    """(address, display name) of From; ("", name) unless it names exactly one mailbox.

    Stray words with neither '@' nor '<' (an unquoted ``Smith, John <john@x.example>``) are
    part of the display name, never a second sender."""
    if not raw_value:
        return "", ""
    tokens = _tokens(re.sub(r"\r\n|\r|\n", "", from_raw(raw_value)))
    if tokens is None or any(kind in ("colon", "semi") for kind, _ in tokens):
        return "", _unparsed_name(raw_value)
    pieces: list[list[tuple[str, str]]] = [[]]
    for token in tokens:
        if token[0] == "comma":
            pieces.append([])
        else:
            pieces[-1].append(token)
    addressed = [p for p in pieces if any(k == "angle" or "@" in v for k, v in p)]
    if len(addressed) != 1:
        return "", _unparsed_name(raw_value)
    stray = [v for p in pieces if p is not addressed[0] for k, v in p if k in ("text", "quoted")]
    mailbox = _mailbox(addressed[0])
    if mailbox is None:
        return "", _unparsed_name(raw_value)
    name, address = mailbox
    if stray and name:
        name = one_line(", ".join([*(s.strip() for s in stray), name]), MAX_FROM_NAME)
    return address, name
