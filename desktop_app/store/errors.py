"""The store's error type, below every store module (db, text_guard) so they need not import each
other."""


class StoreError(Exception):
    """A store that cannot be opened, or a value it refuses; the message is French."""
