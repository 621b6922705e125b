"""Safe extraction of a downloaded .zip: no entry may escape the output folder, no links, and no
zip bomb (declared and actually written sizes are both capped)."""

import shutil
import zipfile
import zlib
from pathlib import Path

from .. import settings
from ..exceptions import DataError


def extract_zip(zip_path, out_dir, max_total_bytes=2 * 2**30, max_files=100_000, max_depth=None) -> Path:
    """Extract a zip into the (new or empty) out_dir, refusing escapes, links, zip bombs and
    folders nested deeper than max_depth (default settings.max_zip_depth())."""
    zip_path, out_dir = Path(zip_path), Path(out_dir)
    if not zipfile.is_zipfile(zip_path):
        raise DataError(f"not a zip file: {zip_path.name}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise DataError(f"cannot extract into {settings.shown_path(out_dir)}: folder is not empty")
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _checked_members(archive, max_total_bytes, max_files)
            _check_depth(members, max_depth or settings.max_zip_depth())
            out_dir.mkdir(parents=True, exist_ok=True)
            try:
                _extract(archive, members, out_dir, max_total_bytes)
            except BaseException:
                shutil.rmtree(out_dir, ignore_errors=True)  # it was empty: leave no half extraction
                raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise DataError(f"damaged or unsupported zip file {zip_path.name}: {error}", "damaged_zip",
                        file=zip_path.name) from None
    return out_dir


def _check_depth(members, max_depth) -> None:
    # 1,100 nested folders overflow Python's recursion in mkdir(parents=True); no photo needs 32.
    for info, parts in members:
        depth = len(parts) - (not info.is_dir())
        if depth > max_depth:
            raise DataError(f"zip entry {info.filename[:60]!r}... lies {depth} folders deep "
                            f"(limit {max_depth}); refusing to extract")


def _checked_members(archive, max_total_bytes, max_files) -> list:
    members, declared = [], 0
    for info in archive.infolist():
        parts = _safe_parts(info.filename)
        if parts[0] == "__MACOSX":
            continue
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise DataError(f"zip entry {info.filename!r} is a symbolic link; refusing to extract")
        if info.flag_bits & 0x1:
            raise DataError(f"zip entry {info.filename!r} is password-protected")
        members.append((info, parts))
        declared += info.file_size
    if len(members) > max_files:
        raise DataError(f"zip has {len(members):,} entries (limit {max_files:,})")
    if declared > max_total_bytes:
        raise DataError(f"zip would expand to {declared / 2**20:,.0f} MiB "
                        f"(limit {max_total_bytes / 2**20:,.0f} MiB); refusing to extract")
    return members


def _safe_parts(name: str) -> tuple[str, ...]:
    # Windows tools write backslashes; treat them as separators so "..\\x" is caught too.
    normal = name.replace("\\", "/")
    parts = tuple(p for p in normal.split("/") if p not in ("", "."))
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":") or ".." in parts or not parts:
        raise DataError(f"unsafe path in zip: {name!r} (it would be written outside the folder)")
    return parts


def _extract(archive, members, out_dir: Path, max_total_bytes) -> None:
    # Count the bytes really written: the sizes in the zip's header are only a claim.
    written = 0
    root = out_dir.resolve()
    for info, parts in members:
        target = root.joinpath(*parts)
        if root not in target.parents:
            raise DataError(f"unsafe path in zip: {info.filename!r}")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, open(target, "wb") as sink:
            for block in iter(lambda: source.read(1 << 20), b""):
                written += len(block)
                if written > max_total_bytes:
                    raise DataError(f"zip expands beyond {max_total_bytes / 2**20:,.0f} MiB; "
                                    "refusing to extract (zip bomb?)")
                sink.write(block)
