"""Photos to a prepared dataset: decoding and the decode cache (images), zips (archive), sorting by
file name, duplicate groups, splitting, the health report, `prepare`, cross-validation folds, the
demo generator and upload quotas. Imports only the base (runs is its sibling)."""

from ..exceptions import DataError
from .archive import extract_zip
from .images import decode, open_rgb
from .preparing import STAGES, Throttled, load_summary, prepare
from .sorting import (DECODE_SIZE, IMAGE_EXTENSIONS, class_of, has_image_extension, is_hidden,
                      list_images, match_classes, sort_by_name)
from .splitting import (DEFAULT_RATIO, DEFAULT_SEED, SPLITS, check_ratio, example_photos, split,
                        split_counts, split_dirs)

__all__ = [
    "DECODE_SIZE", "DEFAULT_RATIO", "DEFAULT_SEED", "DataError", "IMAGE_EXTENSIONS", "SPLITS", "STAGES",
    "Throttled", "decode", "open_rgb",
    "check_ratio", "class_of", "example_photos", "extract_zip", "has_image_extension", "is_hidden", "list_images",
    "load_summary", "match_classes", "prepare", "sort_by_name", "split", "split_counts",
    "split_dirs",
    # public modules, imported where used (importing them here would slow every page)
    "demo", "folds", "quota",
]
