import logging

from atlasos.tenancy.context import current_state


class PracticeLogFilter(logging.Filter):
    """Put the practice in context on every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        state = current_state()
        record.practice_id = "-" if state is None else state
        return True
