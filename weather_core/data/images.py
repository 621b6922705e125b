"""Decoding any image PIL reads into a fixed-size RGB array, and a bounded on-disk cache so each
file is decoded once per size. Cached arrays are raw uint8 bytes that tf.data can stream."""

import hashlib
import io
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .. import atomic, settings
from ..exceptions import UserError

# Largest image we agree to decode: 4752x3168 (15 MP) is the largest real photo; 64 MP leaves room
# for modern phones and still refuses decompression bombs (a tiny PNG declaring 30000x30000).
MAX_PIXELS = 64_000_000
DECODE_SIZE = 250  # the side prepare decodes every photo at (health check, cache warm-up)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


# Every decode in this process (all sessions, all worker threads) waits for one of these slots:
# a 7900x7900 PNG holds ~60 MB while it is decoded, and ten at once would hold ten times that.
DECODE_SLOTS = threading.BoundedSemaphore(settings.max_concurrent_decodes())


class ImageError(UserError):
    """A file that cannot be used as a photo; the message is meant for users."""


def too_large(pixels) -> ImageError:
    """One message and one limit (MAX_PIXELS) for every image that is too large, whichever check
    caught it (ours, or PIL's decompression-bomb guard, which trips only at twice the limit)."""
    return ImageError(f"image too large: {pixels:,} pixels (limit {MAX_PIXELS:,})", "image_too_large",
                      pixels=pixels, limit=MAX_PIXELS)


def not_an_image() -> ImageError:
    return ImageError("not an image (unrecognised format)", "not_an_image")


def unreadable(error) -> ImageError:
    return ImageError(f"unreadable image ({error})", "unreadable_image", detail=str(error)[:200])


def open_rgb(source, max_side=None) -> Image.Image:
    """Open a path, bytes or file object as an upright RGB image (first frame of animations).
    With `max_side`, a large image is shrunk by a whole factor (to no less than 2 * max_side)
    before its RGB copy is made."""
    with DECODE_SLOTS:
        return _open_rgb(source, max_side)


def _open_rgb(source, max_side=None) -> Image.Image:
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        image = Image.open(source)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise too_large(width * height)
        image.seek(0)
        if max_side:
            image = _reduced(image, max_side)
        image = ImageOps.exif_transpose(image)
        return _to_rgb(image)
    except ImageError:
        raise
    except Image.DecompressionBombError as error:
        raise too_large(_pixels_in(error)) from None
    except UnidentifiedImageError:
        raise not_an_image() from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise unreadable(error) from None


def _pixels_in(bomb_error) -> int:
    """The image's pixel count from PIL's "Image size (N pixels) exceeds limit ..." message."""
    found = re.search(r"\((\d+) pixels\)", str(bomb_error))
    return int(found.group(1)) if found else 2 * MAX_PIXELS + 1


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """The image shrunk by a whole factor in its own mode (one byte per pixel for a 1-bit or
    greyscale PNG, not three), keeping at least 2 * max_side pixels on its shorter side."""
    if image.format == "JPEG":
        image.draft(image.mode, (max_side * 2, max_side * 2))  # libjpeg scales while decoding
    factor = min(image.size) // (2 * max_side)
    if factor < 2:
        return image
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    try:
        return image.reduce(factor)
    except ValueError:  # a mode reduce() does not handle (16-bit, CMYK...): full size, as before
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit and float greyscale: scale to 8 bits instead of clipping to white.
        array = np.asarray(image, dtype=np.float32)
        top = float(array.max()) or 1.0
        image = Image.fromarray((array * (255.0 / top)).clip(0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent areas become white, as image viewers show them, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("RGB")


def decode(source, size: int) -> np.ndarray:
    """Decode to a (size, size, 3) uint8 array: upright, RGB, resized (aspect not kept, as Keras does)."""
    if isinstance(source, (str, Path)) and _format_of(source) == "JPEG":
        with DECODE_SLOTS:
            return _decode_jpeg_fast(source, size)
    with DECODE_SLOTS:
        image = _open_rgb(source, max_side=size)
        return np.asarray(image.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=3.0))


def _format_of(path) -> str | None:
    # Only a hint for the fast path: any failure here is reported by open_rgb as an ImageError.
    try:
        with Image.open(path) as probe:
            return probe.format
    except Exception:
        return None


def _decode_jpeg_fast(path, size: int) -> np.ndarray:
    # draft() lets libjpeg decode at 1/2, 1/4 or 1/8 scale: large photos decode many times faster.
    try:
        with Image.open(path) as image:
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise too_large(image.size[0] * image.size[1])
            image.draft("RGB", (size * 2, size * 2))
            image = _to_rgb(ImageOps.exif_transpose(image))
            return np.asarray(image.resize((size, size), Image.Resampling.BILINEAR))
    except ImageError:
        raise
    except Image.DecompressionBombError as error:
        raise too_large(_pixels_in(error)) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise unreadable(error) from None


def file_digest(path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DecodeCache:
    """Decoded arrays on disk, keyed by file content and size, pruned to `max_bytes` (LRU)."""

    def __init__(self, root=None, max_bytes=None):
        self.root = Path(root or settings.cache_root())
        self.max_bytes = settings.cache_max_bytes() if max_bytes is None else max_bytes
        self._digests = {}
        self._lock = threading.Lock()

    def entry_path(self, path, size: int) -> Path:
        digest = self._digest(path)
        return self.root / str(size) / digest[:2] / f"{digest}.u8"

    def _digest(self, path) -> str:
        stat = os.stat(path)
        key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            digest = self._digests.get(key)
        if digest is None:
            # Hash outside the lock so that worker threads read files in parallel.
            digest = file_digest(path)
            with self._lock:
                self._digests[key] = digest
        return digest

    def ensure(self, path, size: int) -> Path:
        """Path of the raw (size*size*3 bytes) array for `path`, decoding it on a miss."""
        entry = self.entry_path(path, size)
        if entry.exists():
            os.utime(entry)  # mark as recently used
            return entry
        array = decode(path, size)
        entry.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(entry, array.tobytes())  # other processes read the cache meanwhile
        return entry

    def load(self, path, size: int) -> np.ndarray:
        raw = self.ensure(path, size).read_bytes()
        return np.frombuffer(raw, dtype=np.uint8).reshape(size, size, 3)

    def ensure_many(self, paths, size: int, workers=None, keep=(), progress=None):
        """Decode what is missing in parallel; returns (entries, errors) with errors as {path: message}.
        `progress(done, total)` is called after each photo, from the calling thread."""
        paths = list(paths)
        workers = workers or min(8, (os.cpu_count() or 2) * 2)

        def attempt(path):
            try:
                return path, self.ensure(path, size), None
            except ImageError as error:
                return path, None, str(error)
            except OSError as error:  # vanished or unreadable file: report it, keep the batch going
                return path, None, f"cannot read file ({error.strerror or error})"

        entries, errors = {}, {}
        with ThreadPoolExecutor(workers) as pool:
            for done, (path, entry, error) in enumerate(pool.map(attempt, paths), start=1):
                if progress:
                    progress(done, len(paths))
                if error:
                    errors[str(path)] = error
                else:
                    entries[str(path)] = entry
        self.prune(keep={*map(str, entries.values()), *map(str, keep)})
        return entries, errors

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.root.rglob("*.u8")) if self.root.exists() else 0

    def prune(self, keep=()) -> int:
        """Drop least-recently-used entries until the cache fits, never one in `keep` (the entries
        a training is about to stream); returns bytes freed."""
        if not self.root.exists():
            return 0
        files = []
        for f in self.root.rglob("*.u8"):
            try:
                stat = f.stat()
            except FileNotFoundError:
                continue
            files.append((stat.st_mtime, stat.st_size, f))
        total = sum(size for _, size, _ in files)
        freed = 0
        keep = set(map(str, keep))
        for _, size, f in sorted(files, key=lambda item: item[0]):
            if total - freed <= self.max_bytes:
                break
            if str(f) in keep:
                continue
            f.unlink(missing_ok=True)
            freed += size
        return freed
