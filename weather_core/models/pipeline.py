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
                 augmenter=None, mixup=0.0, cutmix=0.0, targets=None):
    """Batches of (images in 0..1, one-hot labels, or `targets`: a row per photo). Only file names
    are held in memory. `mixup` > 0 blends each batch with a shuffled copy of itself (weights from
    Beta(mixup, mixup)); `cutmix` > 0 pastes a box of a partner photo into each (its area 1 - a
    Beta(cutmix, cutmix) draw)."""
    import tensorflow as tf

    autotune = tf.data.AUTOTUNE
    if targets is None:
        targets = tf.one_hot(tf.constant(split.labels, tf.int32), num_classes)
    ds = tf.data.Dataset.from_tensor_slices((split.entries, tf.cast(targets, tf.float32)))
    if shuffle:
        ds = ds.shuffle(len(split), seed=seed, reshuffle_each_iteration=True)

    def load(entry, label):
        pixels = tf.io.decode_raw(tf.io.read_file(entry), tf.uint8)
        image = tf.cast(tf.reshape(pixels, (image_size, image_size, 3)), tf.float32)
        return image, label

    ds = ds.map(load, num_parallel_calls=autotune).batch(batch_size)
    if augmenter is not None:
        # One call at a time: the layer draws from one seeded random state, and parallel calls would
        # take their draws in whatever order the threads run, so a seed would not fix the flips.
        ds = ds.map(lambda x, y: (augmenter(x, training=True), y))
    ds = ds.map(lambda x, y: (x / 255.0, y), num_parallel_calls=autotune)
    if mixup > 0:
        ds = ds.map(mixup_batches(mixup, seed))  # one call at a time, as above: the seed fixes the draws
    if cutmix > 0:
        ds = ds.map(cutmix_batches(cutmix, seed))
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


def cutmix_batches(alpha, seed):
    """CutMix (Yun et al. 2019) for a batch: each photo gets a box cut from a partner in its batch,
    the box's area 1 - lambda of the photo with lambda from Beta(alpha, alpha), its centre anywhere
    (a box at the border is clipped, and the labels weigh the area actually pasted)."""
    import tensorflow as tf

    generator = tf.random.Generator.from_seed(seed)

    def cut(images, labels):
        n, size = tf.shape(images)[0], tf.cast(tf.shape(images)[1:3], tf.float32)
        partner = tf.argsort(generator.uniform((n,)))
        g1, g2 = (tf.random.stateless_gamma((n,), seed=generator.make_seeds(1)[:, 0], alpha=alpha)
                  for _ in range(2))
        side = tf.sqrt(1.0 - g1 / (g1 + g2 + 1e-12))[:, None] * size  # (n, 2): box height, width
        centre = generator.uniform((n, 2)) * size
        start = tf.cast(tf.round(tf.clip_by_value(centre - side / 2, 0.0, size)), tf.int32)
        end = tf.cast(tf.round(tf.clip_by_value(centre + side / 2, 0.0, size)), tf.int32)
        return paste(images, labels, tf.concat([start, end], axis=1), partner)

    return cut


def paste(images, labels, boxes, partner):
    """Photo i gets photo partner[i]'s pixels inside boxes[i] = (top, left, bottom, right), ends
    excluded; its label becomes the two labels weighted by the area each photo keeps."""
    import tensorflow as tf

    rows = tf.range(tf.shape(images)[1])[None, :, None]
    cols = tf.range(tf.shape(images)[2])[None, None, :]
    top, left, bottom, right = (boxes[:, k][:, None, None] for k in range(4))
    inside = (rows >= top) & (rows < bottom) & (cols >= left) & (cols < right)  # (n, height, width)
    mask = tf.cast(inside, images.dtype)[..., None]
    pasted = (1 - mask) * images + mask * tf.gather(images, partner)
    own = 1 - tf.reduce_mean(mask, axis=[1, 2, 3])[:, None]
    return pasted, own * labels + (1 - own) * tf.gather(labels, partner)


def to_model_input(images_uint8):
    """The same rescale the pipeline applies, for inference on single photos."""
    return images_uint8.astype("float32") / 255.0
