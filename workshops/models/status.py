"""Status checks the templates read, so that no template spells a status as a string."""


class StatusIs:
    """``booking.is_confirmed``: whether the instance's ``status`` is this one choice."""

    def __init__(self, choice):
        self.choice = choice

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance.status == self.choice
