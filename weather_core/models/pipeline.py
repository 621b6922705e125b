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
                 augmenter=None, mixup=0.0):
    """Batches of (images in 0..1, one-hot labels). Only file names are held in memory. `mixup` > 0
    blends each batch with a shuffled copy of itself (weights from Beta(mixup, mixup))."""
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
    if mixup > 0:
        ds = ds.map(mixup_batches(mixup, seed))  # one call at a time, as above: the seed fixes the draws
    return ds.prefetch(autotune)


def mixup_batches(alpha, seed):
    """mixup (Zhang et al. 2018) for a batch: each photo blended with a partner from its batch, the
    weight drawn from Beta(alpha, alpha) (as a ratio of two Gamma draws)."""
    import tensorflow as tf

    generator = tf.random.Generator.from_seed(seed)

    def mix(images, labels):
        n = tf.shape(images)[0]
        partner = tf.argsort(generator.uniform((n,)))  # a random permutation of the batch
        g1, g2 = (tf.random.stateless_gamma((n,), seed=generator.make_seeds(1)[:, 0], alpha=alpha)
                  for _ in range(2))
        return blend(images, labels, g1 / (g1 + g2 + 1e-12), partner)

    return mix


def blend(images, labels, weights, partner):
    """Photo i becomes weights[i] * photo i + (1 - weights[i]) * photo partner[i]; labels alike."""
    import tensorflow as tf

    w = tf.cast(weights, images.dtype)
    mixed_images = w[:, None, None, None] * images + (1 - w[:, None, None, None]) * tf.gather(images, partner)
    return mixed_images, w[:, None] * labels + (1 - w[:, None]) * tf.gather(labels, partner)


def to_model_input(images_uint8):
    """The same rescale the pipeline applies, for inference on single photos."""
    return images_uint8.astype("float32") / 255.0
