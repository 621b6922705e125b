"""Grad-CAM explains per class (not a constant picture); the exported zip's TFLite model agrees
with the Keras model."""

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from weather_core.use import explain, export, inference
from weather_core import training
from weather_core.data.images import decode
from weather_core.models.pipeline import to_model_input
from weather_core.training import TrainConfig


@pytest.fixture(scope="module")
def small_run(demo_prepared, tmp_path_factory):
    config = TrainConfig(data=str(demo_prepared), model="model_1", epochs=3, batch_size=8,
                         image_size=64, learning_rate=1e-3, augment=False)
    run_dir, _ = training.train(config, root=tmp_path_factory.mktemp("runs"))
    return run_dir


def _photos(folder):
    """One photo per class: cloudy, rain, shine, sunrise."""
    return [sorted(folder.glob(f"{name}*.jpg"))[0] for name in ("cloudy", "rain", "shine", "sunrise")]


@pytest.fixture
def mwd_dir_or_demo(demo_raw):
    from tests.conftest import MWD_DIR

    return MWD_DIR if MWD_DIR.is_dir() else demo_raw


def test_grad_cam_differs_between_classes(small_run, mwd_dir_or_demo):
    photo = _photos(mwd_dir_or_demo)[2]
    maps = [explain.explain_file(small_run, photo, class_name=c)["cam"]
            for c in ("cloudy", "rain", "shine", "sunrise")]
    for cam in maps:
        assert cam.shape == (64, 64) and 0.0 <= cam.min() and cam.max() <= 1.0
    varied = [cam for cam in maps if cam.std() > 0.01]
    assert len(varied) >= 2  # a constant picture has no spread
    differences = [np.abs(a - b).mean() for i, a in enumerate(maps) for b in maps[i + 1:]]
    assert max(differences) > 0.05


def test_explain_cli_writes_an_overlay_png(small_run, mwd_dir_or_demo, tmp_path):
    from weather_core.cli import main

    out = tmp_path / "why.png"
    photo = _photos(mwd_dir_or_demo)[0]
    assert main(["explain", str(small_run), str(photo), "--out", str(out), "--class", "rain"]) == 0
    image = np.asarray(Image.open(out))
    assert image.shape == (320, 640, 3)
    assert not np.array_equal(image[:, :320], image[:, 320:])  # overlay differs from the photo


def test_feature_maps_of_a_chosen_layer(small_run, demo_raw):
    maps, name = explain.feature_maps(small_run, _photos(demo_raw)[0], limit=8)
    assert name == explain.conv_layer_names(inference.load_model(small_run))[0]
    assert maps.shape == (8, 64, 64) and maps.dtype == np.uint8


def test_export_zip_contents_and_tflite_agrees_with_keras(small_run, demo_raw, mwd_dir_or_demo):
    payload = export.export_zip(small_run)
    archive = zipfile.ZipFile(io.BytesIO(payload))
    assert set(archive.namelist()) >= {"model.keras", "model.tflite", "labels.txt", "config.json",
                                       "metrics.csv", "MODEL_CARD.md", "evaluation.json"}
    assert archive.read("labels.txt").decode().split() == ["cloudy", "rain", "shine", "sunrise"]
    assert "Test accuracy" in archive.read("MODEL_CARD.md").decode()
    assert archive.read("metrics.csv").decode().count("\n") == 4  # header + 3 epochs
    photos = sorted(mwd_dir_or_demo.glob("*.jpg"))[::25][:12]
    batch = to_model_input(np.stack([decode(p, 64) for p in photos]))
    keras_out = np.asarray(inference.load_model(small_run)(batch, training=False))
    tflite_out = export.tflite_predict(archive.read("model.tflite"), batch)
    assert (keras_out.argmax(1) == tflite_out.argmax(1)).all()
    np.testing.assert_allclose(keras_out, tflite_out, atol=1e-4)

