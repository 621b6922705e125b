"""The tf.data input pipeline: each photo is decoded once into the on-disk cache, then streamed
from there in shuffled batches, augmented batch-wise, and rescaled to 0..1."""

from dataclasses import dataclass

from .. import CLASSES, data
from ..data.images import DecodeCache


@dataclass
class SplitFiles:
    """One split as cache entries (what tf.data reads) beside the original files."""

    files: list
    entries: list
    labels: list
    errors: dict

    def __len__(self):
        return len(self.entries)


def load_split(folder, image_size, class_names=CLASSES, cache=None, keep=()) -> SplitFiles:
    """Decode (or find in the cache) every photo of a split folder; unreadable ones land in errors.
    `keep`: cache entries of other splits in use, which pruning the cache must not drop."""
    cache = cache or DecodeCache()
    items = [(path, name) for path, name in data.list_images(folder) if name in class_names]
    entries, errors = cache.ensure_many([path for path, _ in items], image_size, keep=keep)
    kept = [(path, name) for path, name in items if str(path) in entries]
    return SplitFiles(
        files=[str(path) for path, _ in kept],
        entries=[str(entries[str(path)]) for path, _ in kept],
        labels=[list(class_names).index(name) for _, name in kept],
        errors=errors,
    )


def make_dataset(split: SplitFiles, image_size, batch_size, num_classes, shuffle=False, seed=0,
                 augmenter=None):
    """Batches of (images in 0..1, one-hot labels). Only file names are held in memory."""
    import tensorflow as tf

    autotune = tf.data.AUTOTUNE
    ds = tf.data.Dataset.from_tensor_slices((split.entries, split.labels))
    if shuffle:
        ds = ds.shuffle(len(split), seed=seed, reshuffle_each_iteration=True)

    def load(entry, label):
        pixels = tf.io.decode_raw(tf.io.read_file(entry), tf.uint8)
        image = tf.cast(tf.reshape(pixels, (image_size, image_size, 3)), tf.float32)
        return image, tf.one_hot(label, num_classes)

    ds = ds.map(load, num_parallel_calls=autotune).batch(batch_size)
    if augmenter is not None:
        # One call at a time: the layer draws from one seeded random state, and parallel calls would
        # take their draws in whatever order the threads run, so a seed would not fix the flips.
        ds = ds.map(lambda x, y: (augmenter(x, training=True), y))
    ds = ds.map(lambda x, y: (x / 255.0, y), num_parallel_calls=autotune)
    return ds.prefetch(autotune)


def to_model_input(images_uint8):
    """The same rescale the pipeline applies, for inference on single photos."""
    return images_uint8.astype("float32") / 255.0
