"""Writing a file so that a reader in any process sees the old content or the new, never half:
write beside the target, then rename over it. (Keras writes its model files itself: see
run_callback.save_model_atomic for the same rename around model.save.)"""

import json
import os
import tempfile
from pathlib import Path

from .run_files import file_mode


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
