"""The Smart Inbox: inbound email intake and routing (a later issue).

Not installed yet: this package holds no code until its issue lands."""
