"""The report's ImageDataGenerator settings as Keras 3 preprocessing layers, and a preview.

Layers work on batches of float images in 0..255 (before the 1/255 rescale), training split only."""

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


SEED_SETTINGS = AugmentSettings()


def _brightness_layer_class():
    import keras

    class RandomBrightnessFactor(keras.layers.Layer):
        """Multiply each image by a random factor, then clip to 0..255.

        Keras' own RandomBrightness *adds* an offset; the report's brightness_range multiplies."""

        def __init__(self, factor_range=(0.5, 1.5), seed=None, **kwargs):
            super().__init__(**kwargs)
            self.factor_range = tuple(float(v) for v in factor_range)
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(seed)
            self.supports_jit = False

        def call(self, images, training=True):
            if not training:
                return images
            ops = keras.ops
            batch = ops.shape(images)[0]
            low, high = self.factor_range
            factors = keras.random.uniform((batch, 1, 1, 1), low, high, seed=self.seed_generator)
            return ops.clip(images * ops.cast(factors, images.dtype), 0.0, 255.0)

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            return {**super().get_config(), "factor_range": self.factor_range, "seed": self.seed}

    return RandomBrightnessFactor


def build_augmenter(settings=SEED_SETTINGS, seed=None):
    """A Sequential of Keras preprocessing layers equivalent to the report's generator."""
    import keras

    layers = keras.layers
    s = settings
    fill = {"fill_mode": "nearest"}  # ImageDataGenerator's default fill mode
    steps = []
    if s.shear_degrees:
        steps.append(layers.RandomShear(x_factor=math.tan(math.radians(s.shear_degrees)),
                                        y_factor=0.0, seed=seed, **fill))
    if s.zoom:
        steps.append(layers.RandomZoom((-s.zoom, s.zoom), (-s.zoom, s.zoom), seed=seed, **fill))
    if s.horizontal_flip:
        steps.append(layers.RandomFlip("horizontal", seed=seed))
    if s.width_shift or s.height_shift:
        steps.append(layers.RandomTranslation(s.height_shift, s.width_shift, seed=seed, **fill))
    if s.rotation_degrees:
        steps.append(layers.RandomRotation(s.rotation_degrees / 360.0, seed=seed, **fill))
    if tuple(s.brightness) != (1.0, 1.0):
        steps.append(_brightness_layer_class()(s.brightness, seed=seed))
    return keras.Sequential(steps or [layers.Identity()], name="seed_augmentation")


def describe_layers(settings=SEED_SETTINGS):
    """The Keras code that performs the augmentation, one line per layer, for teaching."""
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
        lines.append(f"RandomBrightnessFactor({tuple(s.brightness)})  # multiplies, then clips")
    return lines


def preview(image: np.ndarray, settings=SEED_SETTINGS, count=8, seed=0) -> np.ndarray:
    """`count` augmented versions of one uint8 HxWx3 image; the same seed gives the same samples."""
    augmenter = build_augmenter(settings, seed=int(seed))
    batch = np.repeat(image[None].astype("float32"), int(count), axis=0)
    out = augmenter(batch, training=True)
    return np.clip(np.asarray(out), 0, 255).astype("uint8")
