"""The ``email`` policy the parse runs under: ``email.policy.default`` with the cost of its
structured-header parser bounded (cached, cut and budgeted per message), so that a
pathological Content-Type cannot make one message take seconds (python/cpython#136063).
What it had to cut is kept in ``_problems`` for the message's defects.

Pure: standard library only.
"""

import re
from email.policy import EmailPolicy


class BoundedPolicy(EmailPolicy):
    """``email.policy.default`` with the structured-header parser's cost bounded.

    That parser's cost grows faster than the number of parameters in a value (a Content-Type
    of 80 parameters takes milliseconds, of 189 KB fourteen seconds; python/cpython#136063),
    and the parse reads every part's Content-Type several times. So each parsed header is
    cached for the message; runs of empty parameters are collapsed; a value is cut after
    ``CUT`` characters or ``PARAMS`` parameters (real ones are far shorter); once ``BUDGET``
    characters have been parsed for the message, every further value is cut to ``SMALL``
    characters and ``FEW_PARAMS`` parameters; and a value the parser cannot handle (deeply
    nested comments end in RecursionError) is parsed as empty, which gives the defaults.
    The header values shown to staff are read raw, not from here."""

    CUT, PARAMS = 2_000, 24
    SMALL, FEW_PARAMS = 256, 4
    BUDGET = 20_000

    def __init__(self, **kw):
        super().__init__(**kw)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_spent", [0])
        object.__setattr__(self, "_problems", [])

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        key = (name.lower(), value)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        text = self._bounded(name, re.sub(r"\n|\r", "", value))
        try:
            header = self.header_factory(name, text)
        except Exception:
            self._problems.append(f"{name[:40]} header could not be read")
            header = self.header_factory(name, "")
        self._cache[key] = header
        return header

    def _bounded(self, name: str, text: str) -> str:
        if ";" in text:
            text = re.sub(r";[\s;]*;", ";", text)
        generous = self._spent[0] < self.BUDGET
        chars, params = (self.CUT, self.PARAMS) if generous else (self.SMALL, self.FEW_PARAMS)
        end = -1
        for _ in range(params + 1):
            end = text.find(";", end + 1)
            if end < 0:
                break
        if end >= 0 or len(text) > chars:
            text = text[: min(chars, end if end >= 0 else len(text))]
            self._problems.append(f"{name[:40]} header too long: cut to be read")
        self._spent[0] += len(text)
        return text
