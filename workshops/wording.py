"""Small helpers for sentences built from numbers, so that no page says "1 places"."""


def places(count):
    """1 place, 3 places."""
    return f"{count} place" if count == 1 else f"{count} places"


def held(count):
    """1 place is held, 3 places are held."""
    return f"{places(count)} {'is' if count == 1 else 'are'}"
