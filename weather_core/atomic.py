"""Writing a file so that a reader in any process sees the old content or the new, never half:
write beside the target, then rename over it. (Keras writes its model files itself: see
training/callback.py save_model_atomic for the same rename around model.save.)"""

import json
import os
import tempfile
from pathlib import Path


def file_mode() -> int:
    """The mode open() gives a new file (0666 less the umask): every file of a run gets it, so a
    server running as another user than the trainer reads JSON files and models alike."""
    try:  # Linux reports the umask without changing it (os.umask would, for every thread)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes(path, payload: bytes, durable=False) -> None:
    """`durable`: fsync before the rename (run files); a cache entry can do without."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())  # mkstemp creates 0600; give it what open() would
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path, data, sort_keys=True) -> None:
    """sort_keys=False keeps the writer's order where it means something (train, val, test)."""
    text = json.dumps(data, indent=2, sort_keys=sort_keys)
    write_bytes(path, text.encode("utf-8"), durable=True)
