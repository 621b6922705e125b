"""The three models reproduce the report's summary tables exactly at 250x250x3."""

import numpy as np
import pytest

from weather_core import models
from weather_core.models import report

# (type, output shape, params) per layer, transcribed from the report's tables.
REPORT_TABLES = {
    "model_1": [
        ("Conv2D", [250, 250, 32], 2432), ("MaxPooling2D", [125, 125, 32], 0),
        ("Conv2D", [125, 125, 64], 18496), ("MaxPooling2D", [62, 62, 64], 0),
        ("Conv2D", [60, 60, 64], 36928), ("Flatten", [230400], 0),
        ("Dense", [64], 14745664), ("Dense", [4], 260),
    ],
    "model_2": [
        ("Conv2D", [250, 250, 32], 2432), ("MaxPooling2D", [125, 125, 32], 0),
        ("Conv2D", [125, 125, 64], 18496), ("MaxPooling2D", [62, 62, 64], 0),
        ("Conv2D", [62, 62, 128], 73856), ("MaxPooling2D", [31, 31, 128], 0),
        ("Conv2D", [31, 31, 256], 295168), ("MaxPooling2D", [15, 15, 256], 0),
        ("Conv2D", [15, 15, 512], 1180160), ("MaxPooling2D", [7, 7, 512], 0),
        ("Conv2D", [5, 5, 512], 2359808), ("Flatten", [12800], 0),
        ("Dense", [512], 6554112), ("Dense", [256], 131328), ("Dense", [128], 32896),
        ("Dense", [4], 516),
    ],
    "model_3": [
        ("Conv2D", [250, 250, 32], 2432), ("BatchNormalization", [250, 250, 32], 128),
        ("Activation", [250, 250, 32], 0), ("Conv2D", [250, 250, 32], 9248),
        ("BatchNormalization", [250, 250, 32], 128), ("MaxPooling2D", [125, 125, 32], 0),
        ("Conv2D", [125, 125, 64], 18496), ("BatchNormalization", [125, 125, 64], 256),
        ("Activation", [125, 125, 64], 0), ("Conv2D", [125, 125, 64], 36928),
        ("BatchNormalization", [125, 125, 64], 256), ("Activation", [125, 125, 64], 0),
        ("MaxPooling2D", [62, 62, 64], 0),
        ("Conv2D", [62, 62, 128], 73856), ("BatchNormalization", [62, 62, 128], 512),
        ("Activation", [62, 62, 128], 0), ("Conv2D", [62, 62, 128], 147584),
        ("BatchNormalization", [62, 62, 128], 512), ("Activation", [62, 62, 128], 0),
        ("MaxPooling2D", [31, 31, 128], 0),
        ("Conv2D", [31, 31, 256], 295168), ("BatchNormalization", [31, 31, 256], 1024),
        ("Activation", [31, 31, 256], 0), ("Conv2D", [31, 31, 256], 590080),
        ("BatchNormalization", [31, 31, 256], 1024), ("Activation", [31, 31, 256], 0),
        ("MaxPooling2D", [15, 15, 256], 0), ("GlobalAveragePooling2D", [256], 0),
        ("Dense", [512], 131584), ("Dropout", [512], 0), ("Dense", [128], 65664),
        ("Dropout", [128], 0), ("Dense", [4], 516),
    ],
}


@pytest.mark.parametrize("name", ["model_1", "model_2", "model_2_report", "model_3", "model_3_report"])
def test_tables_match_the_report_at_250(name):
    summary = models.summary(name, report.IMAGE_SIZE)
    rows = [(layer["type"], layer["output_shape"], layer["params"]) for layer in summary["layers"]]
    report_name = name.removesuffix("_report")
    assert rows == REPORT_TABLES[report_name]
    total, non_trainable = report.PARAMS[name]
    assert summary["total_params"] == total == models.MODELS[name].report_total_params
    assert summary["non_trainable_params"] == non_trainable
    assert summary["trainable_params"] == total - non_trainable


def test_256_does_not_reproduce_the_report():
    # The report's text says 256, but Model 1's table only adds up at 250.
    assert models.summary("model_1", 256)["total_params"] != report.PARAMS["model_1"][0]


def test_report_model_2_keeps_its_relu_output_and_the_default_is_softmax():
    as_reported = models.build("model_2_report", 96)
    fixed = models.build("model_2", 96)
    assert as_reported.layers[-1].activation.__name__ == "relu"
    assert fixed.layers[-1].activation.__name__ == "softmax"
    assert models.summary("model_2_report", report.IMAGE_SIZE)["total_params"] == report.PARAMS["model_2_report"][0]


def test_layer_names_do_not_depend_on_what_was_built_before():
    first = [layer["name"] for layer in models.summary("model_1", 64)["layers"]]
    models.build("model_3", 64)  # a long-running server builds many models
    again = [layer["name"] for layer in models.summary("model_1", 64)["layers"]]
    assert first == again
    assert first[:3] == ["conv2d", "max_pooling2d", "conv2d_1"]


@pytest.mark.slow  # a training step per model
@pytest.mark.parametrize("name", list(models.MODELS))
def test_each_model_builds_at_a_small_size_and_trains_a_step(name):
    import keras

    keras.utils.set_random_seed(0)
    size = models.MODELS[name].min_image_size
    model = models.build(name, size, num_classes=3)
    model.compile(keras.optimizers.Adam(1e-3), "categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.random((4, size, size, 3), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    if name != "model_2_report":  # its ReLU output can start dead: zero gradients, the report's flaw
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert model.output_shape == (None, 3)


def test_unknown_model_and_bad_size_are_refused():
    with pytest.raises(ValueError, match="unknown model"):
        models.build("model_9")
    with pytest.raises(ValueError, match="image size"):
        models.build("model_1", 8)
    with pytest.raises(ValueError, match="model_2 needs an image size between 96"):
        models.build("model_2", 64)


def test_model_3_differs_from_the_report_only_in_batchnorm_momentum():
    ours, as_reported = models.build("model_3", 64), models.build("model_3_report", 64)
    momentum = lambda m: {l.momentum for l in m.layers if type(l).__name__ == "BatchNormalization"}
    assert momentum(ours) == {0.9} and momentum(as_reported) == {0.99}


def test_old_seed_names_still_load_as_the_report_versions():
    """Run folders and lesson links from before the rename say model_2_seed / model_3_seed."""
    assert models.canonical("model_2_seed") == "model_2_report"
    assert models.canonical("model_3_seed") == "model_3_report"
    assert models.build("model_3_seed", 64).name == "model_3_report"


def test_sky_net_colour_joins_the_photos_colour_statistics_to_sky_nets_features():
    colour, plain = models.build("sky_net_colour", 96), models.build("sky_net", 96)
    # the same convolutions, plus the colour statistics' BatchNorm (4 x 12) and 12 more output weights
    assert colour.count_params() - plain.count_params() == 4 * 12 + 12 * 4
    crop = next(layer for layer in colour.layers if type(layer).__name__ == "Cropping2D")
    assert crop.output.shape[1:] == (96 // 3, 96, 3)  # the top third: the sky


def test_grad_cam_and_feature_maps_work_on_a_branched_model():
    from weather_core.use import explain

    model = models.build("sky_net_colour", 64)
    photo = (np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8)
    cam, index = explain.grad_cam(model, photo)
    assert cam.shape == (64, 64) and 0 <= cam.min() <= cam.max() <= 1 and 0 <= index < 4
    run, name = explain._logits_model(model, None)
    assert name == explain.conv_layer_names(model)[-1]
    _, logits = run(photo[None].astype(np.float32) / 255)
    probabilities = model(photo[None].astype(np.float32) / 255, training=False)
    np.testing.assert_allclose(np.exp(logits) / np.exp(logits).sum(), probabilities, rtol=1e-4, atol=1e-6)
