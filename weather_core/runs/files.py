"""What a run folder is, and reading its files without following links: the one rule every
reader of runs applies (is_run_folder), a run's own regular files (own_file, read_own_bytes),
one JSON file with its problem named (read_run_json), and the mode every run file gets."""

import json
import os
import stat
from pathlib import Path

from ..atomic import file_mode  # noqa: F401  (the mode every run file gets)


def is_run_folder(path, root=None) -> bool:
    """The one rule every reader of runs applies (listing, resolve_run, model loading, export,
    the Errors page): a real folder, not a symbolic link, directly inside the runs root (`root`;
    by default the folder it sits in) once every link above it is resolved."""
    path = Path(path)
    root = Path(root).resolve() if root else path.absolute().parent.resolve()
    try:
        return not path.is_symlink() and path.is_dir() and path.resolve().parent == root
    except (OSError, RuntimeError):  # a link loop above it
        return False


def own_file(run_dir, name) -> Path | None:
    """run_dir/name when it is a regular file of the run itself (never a link), else None."""
    path = Path(run_dir) / name
    try:
        return path if stat.S_ISREG(path.lstat().st_mode) else None
    except OSError:
        return None


def read_own_bytes(run_dir, name) -> bytes | None:
    """The content of run_dir/name when it is a regular file of the run (O_NOFOLLOW: a link
    swapped in after a check is not followed either), else None."""
    try:
        fd = os.open(Path(run_dir) / name, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read() if stat.S_ISREG(os.fstat(fd).st_mode) else None


def read_run_json(run_dir, name):
    """(value, problem) for one JSON file of a run; a link, a missing file, a permission error or
    bad JSON each give their own one-line problem."""
    path = Path(run_dir) / name
    if path.is_symlink():
        return None, f"{name} is a symbolic link (refused)"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, f"{name} is missing"
    except PermissionError:
        return None, f"{name} cannot be read: permission denied (the server runs as another user?)"
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{name} cannot be read ({type(error).__name__})"
    try:
        return json.loads(text), None
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, 100,000 "["
        return None, f"{name} is not valid JSON"
