"""The Keras layers that augment training batches, on float images in 0..255 (before the 1/255
rescale), training split only: the report's generator as one fused affine layer (SeedAffine), the
recipes' random-resized crop (SkyCrop), and a preview of either. Imports Keras: import it lazily."""

import math

import keras
import numpy as np
import tensorflow as tf  # crop_and_resize: one bilinear resampling per photo, boxes batch-wise
from keras import ops

from .augment import REPORT_SETTINGS, AugmentSettings


class SeededLayer(keras.layers.Layer):
    """A preprocessing layer drawing all its randomness from one seed: the same seed, the same
    samples. Shapes pass through unchanged."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _uniform(self, n, low, high):
        return keras.random.uniform((n,), low, high, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class SeedAffine(SeededLayer):
    """ImageDataGenerator's random transform as one Keras preprocessing layer: rotation, shifts,
    shear (in degrees, as the report's generator reads shear_range), per-axis zoom and a horizontal
    flip composed into ONE matrix and ONE bilinear resampling (fill 'nearest'), then brightness
    multiplied and clipped. Stacking Keras' RandomRotation, RandomTranslation, RandomShear and
    RandomZoom would resample (and blur) four times."""

    def __init__(self, settings=REPORT_SETTINGS, seed=None, **kwargs):
        super().__init__(seed, **kwargs)
        self.settings = AugmentSettings(**settings) if isinstance(settings, dict) else settings

    def call(self, images, training=True):
        if not training:
            return images
        s = self.settings
        shape = ops.shape(images)
        n, h, w = shape[0], ops.cast(shape[1], "float32"), ops.cast(shape[2], "float32")
        theta = self._uniform(n, -1.0, 1.0) * math.radians(s.rotation_degrees)
        tx = self._uniform(n, -1.0, 1.0) * s.height_shift * h
        ty = self._uniform(n, -1.0, 1.0) * s.width_shift * w
        shear = self._uniform(n, -1.0, 1.0) * math.radians(s.shear_degrees)
        zx = self._uniform(n, 1 - s.zoom, 1 + s.zoom)
        zy = self._uniform(n, 1 - s.zoom, 1 + s.zoom)
        # rotation @ shift @ shear @ zoom, as the legacy apply_affine_transform builds it.
        c, sn, ssh, csh = ops.cos(theta), ops.sin(theta), ops.sin(shear), ops.cos(shear)
        m00, m01, m02 = c * zx, (-c * ssh - sn * csh) * zy, c * tx - sn * ty
        m10, m11, m12 = sn * zx, (-sn * ssh + c * csh) * zy, sn * tx + c * ty
        ox, oy = h / 2 - 0.5, w / 2 - 0.5  # about the image centre
        m02 = m02 + ox - m00 * ox - m01 * oy
        m12 = m12 + oy - m10 * ox - m11 * oy
        if s.horizontal_flip:  # output x -> w-1-x, folded into the same matrix
            f = ops.where(self._uniform(n, 0.0, 1.0) < 0.5, -1.0, 1.0)
            offset = (1 - f) / 2 * (w - 1)
            m02, m12 = m00 * offset + m02, m10 * offset + m12
            m00, m10 = m00 * f, m10 * f
        zero = ops.zeros_like(m00)
        transform = ops.stack([m00, m01, m02, m10, m11, m12, zero, zero], axis=1)
        out = ops.image.affine_transform(images, transform, interpolation="bilinear", fill_mode="nearest")
        low, high = s.brightness  # multiplies, as PIL's ImageEnhance in the report's generator
        factors = ops.reshape(self._uniform(n, low, high), (-1, 1, 1, 1))
        return ops.clip(out * ops.cast(factors, out.dtype), 0.0, 255.0)

    def get_config(self):
        return {**super().get_config(), "settings": self.settings.to_dict()}


class SkyCrop(SeededLayer):
    """Random-resized crop (a box of `scale` of the area, aspect in 3/4..4/3, anywhere in the
    photo, resized back), an optional horizontal flip folded into the same box, and brightness
    and contrast jitter of at most +-`jitter`, without any hue change: sunrise and shine are
    told apart by colour."""

    def __init__(self, scale=(0.3, 1.0), flip=True, jitter=0.1, seed=None, **kwargs):
        super().__init__(seed, **kwargs)
        self.scale, self.flip, self.jitter = tuple(scale), bool(flip), float(jitter)

    def call(self, images, training=True):
        if not training:
            return images
        n = tf.shape(images)[0]
        area = self._uniform(n, *self.scale)
        aspect = tf.exp(self._uniform(n, math.log(3 / 4), math.log(4 / 3)))
        width = tf.minimum(tf.sqrt(area * aspect), 1.0)
        height = tf.minimum(tf.sqrt(area / aspect), 1.0)
        top = self._uniform(n, 0.0, 1.0) * (1.0 - height)
        left = self._uniform(n, 0.0, 1.0) * (1.0 - width)
        x1, x2 = left, left + width
        if self.flip:  # a box whose x1 > x2 comes out mirrored
            mirrored = self._uniform(n, 0.0, 1.0) < 0.5
            x1, x2 = tf.where(mirrored, x2, x1), tf.where(mirrored, x1, x2)
        boxes = tf.stack([top, x1, top + height, x2], axis=1)
        size = tf.shape(images)[1:3]
        out = tf.image.crop_and_resize(images, boxes, tf.range(n), size)
        if self.jitter:
            shift = tf.reshape(self._uniform(n, -self.jitter, self.jitter) * 255.0, (-1, 1, 1, 1))
            contrast = tf.reshape(self._uniform(n, 1 - self.jitter, 1 + self.jitter), (-1, 1, 1, 1))
            mean = tf.reduce_mean(out, axis=(1, 2, 3), keepdims=True)
            out = (out - mean) * contrast + mean + shift
        return tf.clip_by_value(out, 0.0, 255.0)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "flip": self.flip, "jitter": self.jitter}


def build_augmenter(settings=REPORT_SETTINGS, seed=None):
    """The Keras preprocessing layer that augments training batches like the report's generator."""
    return SeedAffine(settings, seed=seed, name="seed_augmentation")


def build_crop_augmenter(scale=(0.3, 1.0), flip=True, jitter=0.1, seed=None):
    """The random-resized-crop augmentation of the `quick` and `best` recipes (see SkyCrop)."""
    return SkyCrop(scale, flip, jitter, seed=seed, name="sky_crop", dtype="float32")


def preview(image: np.ndarray, settings=REPORT_SETTINGS, count=8, seed=0) -> np.ndarray:
    """`count` augmented versions of one uint8 HxWx3 image; the same seed gives the same samples."""
    augmenter = build_augmenter(settings, seed=int(seed))
    batch = np.repeat(image[None].astype("float32"), int(count), axis=0)
    out = augmenter(batch, training=True)
    return np.clip(np.asarray(out), 0, 255).astype("uint8")
