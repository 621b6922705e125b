"""How much disk the class's uploads and prepared datasets may take: one Storage per owner (today
the whole data root is one owner), checked before a preparation writes its copies."""

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..exceptions import DataError


def used_bytes(folder) -> int:
    """Bytes of the regular files under `folder` (links are not followed, nor counted)."""
    total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            try:
                info = os.lstat(os.path.join(parent, name))
            except OSError:
                continue
            total += info.st_size if stat.S_ISREG(info.st_mode) else 0
    return total


@dataclass
class Storage:
    """The folders one owner's data lives in, and their limit."""
    folders: tuple
    limit_bytes: int

    def used(self) -> int:
        return sum(used_bytes(folder) for folder in self.folders if Path(folder).exists())

    def check_room(self, adding_bytes) -> None:
        used = self.used()
        if used + adding_bytes > self.limit_bytes:
            raise DataError(f"storage limit reached: this dataset needs {adding_bytes / 2**20:,.1f} MB, "
                            f"{used / 2**20:,.1f} of {self.limit_bytes / 2**20:,.0f} MB are used; "
                            "delete a prepared dataset or ask the instructor (WEATHER_STORAGE_MB)")


def storage_for(owner=None) -> Storage:
    """The server's uploads and prepared datasets (per owner once owners exist)."""
    return Storage((settings.uploads_root(), settings.prepared_root()), settings.storage_limit_bytes(owner))
