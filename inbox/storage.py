"""Where the inbox keeps bytes: under the practice's own prefix, at random keys."""


def raw_prefix(practice_id: int) -> str:
    """Raw messages and their attachments' bytes until filed."""
    return f"practices/{practice_id}/inbox/"
