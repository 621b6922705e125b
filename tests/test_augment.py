"""Augmentation: the report's settings as Keras layers, faithful brightness, reproducible preview."""

import math

import numpy as np
import pytest

from weather_core.models import augment, augment_layers


def _photo(size=64):
    rng = np.random.default_rng(1)
    image = np.zeros((size, size, 3), np.uint8)
    image[: size // 2] = (40, 90, 200)  # sky
    image[size // 2:] = (30, 120, 40)  # ground
    return np.clip(image + rng.integers(0, 20, image.shape), 0, 255).astype(np.uint8)


def test_defaults_are_the_reports_generator_settings():
    s = augment.REPORT_SETTINGS
    assert (s.shear_degrees, s.zoom, s.horizontal_flip, s.width_shift, s.height_shift,
            s.rotation_degrees, tuple(s.brightness)) == (0.2, 0.2, True, 0.2, 0.2, 20.0, (0.5, 1.5))


def test_teaching_layers_mirror_the_settings():
    lines = augment.describe_layers()
    assert [line.split("(")[0] for line in lines[:5]] == [
        "layers.RandomShear", "layers.RandomZoom", "layers.RandomFlip", "layers.RandomTranslation",
        "layers.RandomRotation"]
    # ImageDataGenerator's shear_range is in degrees: 0.2 degrees is a tiny shear factor.
    assert f"{math.tan(math.radians(0.2)):.4f}" in lines[0]
    assert "uniform(0.5, 1.5)" in lines[5]


@pytest.fixture
def float32_policy():
    """An earlier in-process training may have left Keras' global policy at mixed bfloat16, whose
    round-off (~1 grey level) is not what this comparison measures."""
    import keras

    before = keras.mixed_precision.global_policy().name
    keras.mixed_precision.set_global_policy("float32")
    yield
    keras.mixed_precision.set_global_policy(before)


def test_one_resampling_matches_the_reports_generator(float32_policy):
    """With every random draw fixed, the fused layer equals legacy ImageDataGenerator's
    apply_affine_transform (scipy) to within interpolation round-off."""
    import tensorflow as tf
    from keras.src.legacy.preprocessing.image import apply_affine_transform

    layer = augment_layers.build_augmenter(augment.AugmentSettings(horizontal_flip=False, brightness=(1, 1)))
    layer._uniform = lambda n, low, high: tf.fill([n], low + 0.75 * (high - low))
    rng = np.random.default_rng(0)
    image = tf.image.resize(rng.integers(0, 255, (1, 64, 64, 3)).astype("float32"), (96, 96))[0].numpy()
    ours = np.asarray(layer(image[None], training=True))[0]
    legacy = apply_affine_transform(image, theta=10, tx=0.1 * 96, ty=0.1 * 96, shear=0.1, zx=1.1,
                                    zy=1.1, row_axis=0, col_axis=1, channel_axis=2,
                                    fill_mode="nearest", order=1)
    assert np.abs(ours - legacy).max() < 0.05
    assert np.abs(ours - image).mean() > 5  # and it did transform the picture


def test_preview_is_reproducible_by_seed_and_varied():
    image = _photo()
    first = augment_layers.preview(image, count=6, seed=7)
    again = augment_layers.preview(image, count=6, seed=7)
    other = augment_layers.preview(image, count=6, seed=8)
    assert first.shape == (6, 64, 64, 3) and first.dtype == np.uint8
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert len({sample.tobytes() for sample in first}) == 6


def test_brightness_multiplies_like_the_report_and_clips():
    only_brightness = augment.AugmentSettings(0, 0, False, 0, 0, 0, (0.5, 0.5))
    dim = augment_layers.preview(np.full((8, 8, 3), 200, np.uint8), only_brightness, count=1)
    assert np.all(dim == 100)  # multiplied by 0.5 (Keras' RandomBrightness would add)
    bright = augment.AugmentSettings(0, 0, False, 0, 0, 0, (1.5, 1.5))
    assert np.all(augment_layers.preview(np.full((8, 8, 3), 200, np.uint8), bright, count=1) == 255)


def test_no_augmentation_leaves_images_unchanged():
    off = augment.AugmentSettings(0, 0, False, 0, 0, 0, (1.0, 1.0))
    image = _photo()
    assert np.array_equal(augment_layers.preview(image, off, count=2)[1], image)
    assert augment.describe_layers(off) == []



def test_mixup_blends_each_photo_and_its_label_with_one_partner_reproducibly():
    import tensorflow as tf

    from weather_core.models import pipeline

    images = tf.random.stateless_uniform((8, 4, 4, 3), seed=(1, 2))
    labels = tf.one_hot([0, 1, 2, 3, 0, 1, 2, 3], 4)
    weights, partner = tf.constant([1.0, 0.0, 0.5, 0.25, 0.9, 0.1, 0.3, 0.7]), tf.constant([1, 0, 3, 2, 5, 4, 7, 6])
    blended, mixed = pipeline.blend(images, labels, weights, partner)
    x, y = images.numpy(), labels.numpy()
    for i, (w, j) in enumerate(zip(weights.numpy(), partner.numpy())):
        np.testing.assert_allclose(blended[i], w * x[i] + (1 - w) * x[j], atol=1e-6)
        np.testing.assert_allclose(mixed[i], w * y[i] + (1 - w) * y[j], atol=1e-6)

    first = pipeline.mixup_batches(0.4, seed=7)(images, labels)
    again = pipeline.mixup_batches(0.4, seed=7)(images, labels)
    other = pipeline.mixup_batches(0.4, seed=8)(images, labels)
    np.testing.assert_array_equal(first[0].numpy(), again[0].numpy())  # the seed fixes the draws
    assert not np.array_equal(first[0].numpy(), other[0].numpy())
    np.testing.assert_allclose(first[1].numpy().sum(axis=1), 1, atol=1e-6)
    assert ((first[1].numpy() > 1e-6).sum(axis=1) <= 2).all()  # each label: at most two classes


def test_cutmix_pastes_a_box_of_one_partner_and_weighs_labels_by_area():
    import tensorflow as tf

    from weather_core.models import pipeline

    images = tf.random.stateless_uniform((4, 10, 10, 3), seed=(3, 4))
    labels = tf.one_hot([0, 1, 2, 3], 4)
    boxes, partner = tf.constant([[0, 0, 5, 10], [2, 3, 4, 5], [0, 0, 0, 0], [0, 0, 10, 10]]), tf.constant([1, 0, 3, 2])
    pasted, mixed = pipeline.paste(images, labels, boxes, partner)
    x, p = images.numpy(), pasted.numpy()
    np.testing.assert_array_equal(p[0, :5], x[1, :5])  # the top half is photo 1's
    np.testing.assert_array_equal(p[0, 5:], x[0, 5:])
    np.testing.assert_allclose(mixed[0], [0.5, 0.5, 0, 0], atol=1e-6)
    np.testing.assert_array_equal(p[1, 2:4, 3:5], x[0, 2:4, 3:5])  # a 2 x 2 box: 4 % of the photo
    np.testing.assert_allclose(mixed[1], [0.04, 0.96, 0, 0], atol=1e-6)
    np.testing.assert_array_equal(p[2], x[2])  # an empty box changes nothing
    np.testing.assert_allclose(mixed[3], [0, 0, 1, 0], atol=1e-6)  # the whole photo: the partner's label

    first = pipeline.cutmix_batches(1.0, seed=7)(images, labels)
    again = pipeline.cutmix_batches(1.0, seed=7)(images, labels)
    np.testing.assert_array_equal(first[0].numpy(), again[0].numpy())  # the seed fixes the draws
    np.testing.assert_allclose(first[1].numpy().sum(axis=1), 1, atol=1e-6)
    pasted_over = (first[0].numpy() != x).any(axis=-1).mean(axis=(1, 2))
    own_label = first[1].numpy()[np.arange(4), [0, 1, 2, 3]]
    np.testing.assert_allclose(own_label, 1 - pasted_over, atol=1e-6)  # a photo paired with itself: 1
    assert pasted_over.max() > 0
