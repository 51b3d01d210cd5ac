"""The Smart Inbox: documents emailed to the practice, kept raw, routed to the right client and
filed in its document store; what cannot be routed with confidence waits in triage."""
