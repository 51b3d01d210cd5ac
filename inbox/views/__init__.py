"""The inbox's staff pages: ``messages`` (the list, a message, an attachment, reprocess),
``triage`` (the queue and its decisions, done by ``clearing``), ``rules`` (Settings › Inbox
rules) and ``settings`` (Settings › Inbox, and rotating a client's address)."""
