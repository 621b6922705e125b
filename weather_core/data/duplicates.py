"""Duplicate groups: photos that are byte-identical (SHA-1) or the same picture resized or
re-encoded (perceptual hash within a small Hamming distance). A split keeps each group together."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from .images import file_digest

# pHash (imagehash, 64 bits) at distance <= 2 finds resized and re-saved copies of one photo;
# on the real photos distance 3-6 starts pairing different photos of the same scene type.
NEAR_DISTANCE = 2


def perceptual_hash(path) -> int:
    """64-bit pHash of a photo file, as an int."""
    import imagehash

    with Image.open(path) as image:
        image.seek(0)
        # pHash looks at 32x32 pixels: libjpeg's 1/8-scale decoding is plenty and 2x faster here.
        image.draft("RGB", (256, 256))
        upright = ImageOps.exif_transpose(image).convert("RGB")
    bits = imagehash.phash(upright).hash.flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def _fingerprints(path) -> tuple[str, int]:
    return file_digest(path), perceptual_hash(path)


def find_groups(files, max_distance=NEAR_DISTANCE, progress=None) -> list[dict]:
    """Groups of two or more files that show the same photo: [{"kind": "exact"|"near", "files": [...],
    "identical": [[...], ...]}], `identical` the group's byte-identical files (same SHA-1), by digest.

    `files` are paths of photos that decode; groups hold the paths as given (as str), sorted, and are
    listed largest first. `progress(done, total)` follows the hashing."""
    files = [Path(f) for f in files]
    if len(files) < 2:
        return []
    with ThreadPoolExecutor(min(8, (os.cpu_count() or 2) * 2)) as pool:
        found = []
        for done, fingerprint in enumerate(pool.map(_fingerprints, files), start=1):
            found.append(fingerprint)
            if progress:
                progress(done, len(files))
    digests = [digest for digest, _ in found]
    hashes = np.array([phash for _, phash in found], dtype=np.uint64)
    parent = list(range(len(files)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_digest = {}
    for i, digest in enumerate(digests):
        if digest in by_digest:
            parent[root(i)] = root(by_digest[digest])
        else:
            by_digest[digest] = i
    for i in range(len(files) - 1):
        distances = np.bitwise_count(hashes[i + 1:] ^ hashes[i])
        for j in np.nonzero(distances <= max_distance)[0] + i + 1:
            parent[root(int(j))] = root(i)

    members = {}
    for i in range(len(files)):
        members.setdefault(root(i), []).append(i)
    groups = []
    for indexes in members.values():
        if len(indexes) > 1:
            kind = "exact" if len({digests[i] for i in indexes}) == 1 else "near"
            by_digest = {}
            for i in indexes:
                by_digest.setdefault(digests[i], []).append(str(files[i]))
            identical = sorted(sorted(same) for same in by_digest.values() if len(same) > 1)
            groups.append({"kind": kind, "files": sorted(str(files[i]) for i in indexes),
                           "identical": identical})
    return sorted(groups, key=lambda g: (-len(g["files"]), g["files"]))


def twins_across(groups, split_of) -> int:
    """How many files have a twin in another split; `split_of` maps a file to its split (or None)."""
    count = 0
    for group in groups:
        splits = [split_of.get(f) for f in group["files"]]
        for own in splits:
            if any(other != own for other in splits):
                count += 1
    return count
