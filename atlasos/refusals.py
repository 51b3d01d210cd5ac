"""One base class for "the rules refuse this", with a message for the person who asked.

A service raises a ``Refusal`` (or a subclass named for its domain: ``TickRefused``,
``UploadRefused``, ``DeliveryError``...) when what was asked breaks a rule of the practice or of
the product; ``message`` says why, in words fit to show on the page, and nothing has been
changed. A view catches it and shows ``message`` beside the form or in the messages.
"""


class Refusal(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
