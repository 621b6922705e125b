"""The errors users see: UserError and DataError (a message written for them, with a key a page can
translate), which errors count as expected (a message, never a traceback), and how a message is
shown in one line."""

from .settings import shown_path

# DataError and ImageError are ValueErrors; OSError covers missing files, permissions, full disks.
EXPECTED_ERRORS = (ValueError, OSError)


def one_line(error, limit=None) -> str:
    """An error's message on one line (at most `limit` characters), or its type when it has none.
    A file system error names its file relative to the data or runs root, never the server's
    own layout ("Permission denied: runs/x/config.json")."""
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        error = f"{error.strerror}: {shown_path(error.filename)}"
    text = " ".join(str(error).split())
    return (text[:limit] if limit else text) or type(error).__name__



class UserError(ValueError):
    """An error written for users. str() is its English text (what the CLI prints); `key` and
    `values` name it, so that a page can say it in the UI's language (pages/ui/locales: error.KEY)."""

    def __init__(self, message, key=None, **values):
        super().__init__(message)
        self.key, self.values = key, values


class DataError(UserError):
    """A problem with the user's data; the message is meant for users."""
