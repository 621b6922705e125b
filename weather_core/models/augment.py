"""The report's ImageDataGenerator settings as a Keras 3 preprocessing layer, and a preview.

The layer works on batches of float images in 0..255 (before the 1/255 rescale), on the training
split only."""

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class AugmentSettings:
    """Defaults are the report's ImageDataGenerator arguments, with the same meanings."""

    shear_degrees: float = 0.2  # ImageDataGenerator's shear_range is an angle in degrees
    zoom: float = 0.2  # zoom each axis by a factor in [1 - zoom, 1 + zoom]
    horizontal_flip: bool = True
    width_shift: float = 0.2  # fraction of the width
    height_shift: float = 0.2
    rotation_degrees: float = 20.0
    brightness: tuple = (0.5, 1.5)  # multiplies pixel values, as PIL's ImageEnhance does

    def to_dict(self):
        return asdict(self)


REPORT_SETTINGS = AugmentSettings()
# What the Augmentation page's sliders offer and a run's augment_settings may hold: (lowest, highest).
RANGES = {"shear_degrees": (0.0, 45.0), "zoom": (0.0, 0.5), "rotation_degrees": (0.0, 90.0),
          "width_shift": (0.0, 0.5), "height_shift": (0.0, 0.5), "brightness": (0.1, 2.0)}


def settings_from(record) -> AugmentSettings:
    """AugmentSettings from a run's `augment_settings` (a dict from JSON), checked: a missing key
    keeps the report's value; an unknown key or a value out of RANGES is refused, with the range."""
    if not isinstance(record, dict):
        raise ValueError("augmentation settings must be a table of named values")
    known = REPORT_SETTINGS.to_dict()
    unknown = sorted(set(record) - set(known))
    if unknown:
        raise ValueError(f"unknown augmentation setting(s): {', '.join(map(str, unknown))[:200]}")
    values = {**known, **record}
    for name, (low, high) in RANGES.items():
        parts = values[name] if name == "brightness" else [values[name]]
        if name == "brightness" and (not isinstance(parts, (list, tuple)) or len(parts) != 2):
            raise ValueError("brightness must be two numbers, lowest and highest")
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high for v in parts)
        if not ok or (name == "brightness" and parts[0] > parts[1]):
            raise ValueError(f"{name.replace('_', ' ')} must be {low}..{high}")
    if not isinstance(values["horizontal_flip"], bool):
        raise ValueError("horizontal flip must be true or false")
    return AugmentSettings(**{**values, "brightness": tuple(values["brightness"])})


def _report_affine_class():
    import keras
    from keras import ops

    class SeedAffine(keras.layers.Layer):
        """ImageDataGenerator's random transform as one Keras preprocessing layer: rotation,
        shifts, shear (in degrees, as the report's generator reads shear_range), per-axis zoom
        and a horizontal flip composed into ONE matrix and ONE bilinear resampling (fill
        'nearest'), then brightness multiplied and clipped. Stacking Keras' RandomRotation,
        RandomTranslation, RandomShear and RandomZoom would resample (and blur) four times."""

        def __init__(self, settings=REPORT_SETTINGS, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.settings = AugmentSettings(**settings) if isinstance(settings, dict) else settings
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(seed)

        def _uniform(self, n, low, high):
            return keras.random.uniform((n,), low, high, seed=self.seed_generator)

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
            out = ops.image.affine_transform(images, transform, interpolation="bilinear",
                                             fill_mode="nearest")
            low, high = s.brightness  # multiplies, as PIL's ImageEnhance in the report's generator
            factors = ops.reshape(self._uniform(n, low, high), (-1, 1, 1, 1))
            return ops.clip(out * ops.cast(factors, out.dtype), 0.0, 255.0)

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            return {**super().get_config(), "settings": self.settings.to_dict(), "seed": self.seed}

    return SeedAffine


def build_augmenter(settings=REPORT_SETTINGS, seed=None):
    """The Keras preprocessing layer that augments training batches like the report's generator."""
    return _report_affine_class()(settings, seed=seed, name="seed_augmentation")


def describe_layers(settings=REPORT_SETTINGS):
    """Keras' built-in layers that do the same job, one per line, for teaching. (Training uses
    one fused layer instead: the same transforms in a single resampling.)"""
    s = settings
    lines = []
    if s.shear_degrees:
        lines.append(f"layers.RandomShear(x_factor=tan({s.shear_degrees}°)="
                     f"{math.tan(math.radians(s.shear_degrees)):.4f}, fill_mode='nearest')")
    if s.zoom:
        lines.append(f"layers.RandomZoom(({-s.zoom}, {s.zoom}), ({-s.zoom}, {s.zoom}), "
                     "fill_mode='nearest')")
    if s.horizontal_flip:
        lines.append("layers.RandomFlip('horizontal')")
    if s.width_shift or s.height_shift:
        lines.append(f"layers.RandomTranslation({s.height_shift}, {s.width_shift}, "
                     "fill_mode='nearest')")
    if s.rotation_degrees:
        lines.append(f"layers.RandomRotation({s.rotation_degrees}/360, fill_mode='nearest')")
    if tuple(s.brightness) != (1.0, 1.0):
        low, high = s.brightness
        lines.append(f"# brightness: x * uniform({low}, {high}), clipped to 0..255 "
                     "(layers.RandomBrightness adds an offset instead)")
    return lines


def preview(image: np.ndarray, settings=REPORT_SETTINGS, count=8, seed=0) -> np.ndarray:
    """`count` augmented versions of one uint8 HxWx3 image; the same seed gives the same samples."""
    augmenter = build_augmenter(settings, seed=int(seed))
    batch = np.repeat(image[None].astype("float32"), int(count), axis=0)
    out = augmenter(batch, training=True)
    return np.clip(np.asarray(out), 0, 255).astype("uint8")


def _sky_crop_class():
    import keras
    import tensorflow as tf  # crop_and_resize: one bilinear resampling per photo, boxes batch-wise

    class SkyCrop(keras.layers.Layer):
        """Random-resized crop (a box of `scale` of the area, aspect in 3/4..4/3, anywhere in the
        photo, resized back), an optional horizontal flip folded into the same box, and brightness
        and contrast jitter of at most +-`jitter`, without any hue change: sunrise and shine are
        told apart by colour. Works on batches of float images in 0..255."""

        def __init__(self, scale=(0.3, 1.0), flip=True, jitter=0.1, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.scale, self.flip, self.jitter, self.seed = tuple(scale), bool(flip), float(jitter), seed
            self.seed_generator = keras.random.SeedGenerator(seed)

        def _uniform(self, n, low, high):
            return keras.random.uniform((n,), low, high, seed=self.seed_generator)

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

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            return {**super().get_config(), "scale": self.scale, "flip": self.flip,
                    "jitter": self.jitter, "seed": self.seed}

    return SkyCrop


def build_crop_augmenter(scale=(0.3, 1.0), flip=True, jitter=0.1, seed=None):
    """The random-resized-crop augmentation of the `quick` and `best` recipes (see SkyCrop)."""
    return _sky_crop_class()(scale, flip, jitter, seed=seed, name="sky_crop", dtype="float32")
