"""The error users see when their data cannot be used (its message is written for them)."""


class DataError(ValueError):
    """A problem with the user's data; the message is meant for users."""
