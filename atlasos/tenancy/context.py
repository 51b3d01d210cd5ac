"""The practice context: which tenant the current request or task works for.

Three states: nothing set (the default; tenant querysets refuse to run), a practice id, or an
explicit bypass entered through ``unscoped(reason)`` for beat fan-out, the admin and migrations.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger("atlasos.tenancy")


class _Bypass:
    def __repr__(self) -> str:
        return "BYPASS"


BYPASS = _Bypass()

_practice: ContextVar[int | _Bypass | None] = ContextVar("atlasos_practice", default=None)


class PracticeContextError(RuntimeError):
    """A tenant query ran without a practice, or the bypass was used outside ``unscoped``."""


def current_state() -> int | _Bypass | None:
    return _practice.get()


def current_practice_id() -> int | None:
    """The practice id in force, or None (nothing set, or the bypass)."""
    state = _practice.get()
    return state if isinstance(state, int) else None


def require_practice_id() -> int:
    practice_id = current_practice_id()
    if practice_id is None:
        raise PracticeContextError("No practice is set for this tenant query.")
    return practice_id


def is_unscoped() -> bool:
    return _practice.get() is BYPASS


@contextmanager
def practice_context(practice_id: int) -> Iterator[int]:
    """Run the block for one practice."""
    if practice_id is None:
        raise PracticeContextError("practice_context() needs a practice id.")
    token = _practice.set(int(practice_id))
    try:
        yield int(practice_id)
    finally:
        _practice.reset(token)


@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Run the block across every practice. Logged, because it lowers the first wall."""
    if not reason:
        raise PracticeContextError("unscoped() needs a reason.")
    logger.info("unscoped: %s", reason)
    token = _practice.set(BYPASS)
    try:
        yield
    finally:
        _practice.reset(token)


def rls_setting_value() -> str:
    """The value of ``app.practice_id`` for the database: '' (nothing), an id, or '*'."""
    state = _practice.get()
    if state is None:
        return ""
    if state is BYPASS:
        return "*"
    return str(state)
