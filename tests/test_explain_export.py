"""Grad-CAM explains per class (not a constant picture); the exported zip's TFLite model agrees
with the Keras model."""

import io
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image

from weather_core.use import explain, export, inference
from weather_core import training
from weather_core.data.images import open_rgb
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


def test_heat_map_ramp_is_viridis_and_gets_lighter_all_the_way():
    ramp = explain.colormap(np.linspace(0, 1, 129))
    assert ramp.dtype == np.uint8 and ramp.shape == (129, 3)
    assert ramp[0].tolist() == [68, 1, 84] and ramp[-1].tolist() == [253, 231, 37]
    # Perceived lightness (Rec. 709 luma) rises monotonically, so a brighter spot always means a
    # stronger one, in colour and in greyscale; a jet ramp peaks at yellow and falls to red.
    luma = ramp.astype(float) @ [0.2126, 0.7152, 0.0722]
    assert np.all(np.diff(luma) > 0)
    assert explain.colormap(np.array([-1.0, 2.0])).tolist() == [ramp[0].tolist(), ramp[-1].tolist()]


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


def test_export_zip_holds_raw_photo_models_that_agree_with_predict(small_run, mwd_dir_or_demo, tmp_path):
    """Every exported file takes raw photos of any size (uint8, resizing and scaling inside) and
    agrees with `predict` (the dashboard's own decode) on real photos; predict.py runs."""
    import keras
    import onnxruntime

    payload = export.export_zip(small_run)
    archive = zipfile.ZipFile(io.BytesIO(payload))
    assert set(archive.namelist()) >= {"model.keras", "model.tflite", "model_quantized.tflite", "model.onnx",
                                       "predict.py", "labels.txt", "config.json", "metrics.csv",
                                       "MODEL_CARD.md", "evaluation.json"}
    labels = archive.read("labels.txt").decode().split()
    assert labels == ["cloudy", "rain", "shine", "sunrise"]
    card = archive.read("MODEL_CARD.md").decode()
    assert "Test accuracy" in card and "raw photos" in card and "predict.py" in card
    assert archive.read("metrics.csv").decode().count("\n") == 4  # header + 3 epochs
    assert len(archive.read("model_quantized.tflite")) < 0.5 * len(archive.read("model.tflite"))
    archive.extractall(tmp_path)

    photos = sorted(mwd_dir_or_demo.glob("*.jpg"))[::40][:12]
    expected = inference.predict(small_run, [str(p) for p in photos])
    pixels = [np.asarray(open_rgb(p)) for p in photos]  # full size, upright, RGB: no resizing here
    assert len({p.shape for p in pixels}) > 1  # photos of several sizes
    onnx = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"))
    assert onnx.get_inputs()[0].type == "tensor(uint8)"
    found = {
        "onnx": np.stack([onnx.run(None, {onnx.get_inputs()[0].name: p[None]})[0][0] for p in pixels]),
        "tflite": export.tflite_predict(archive.read("model.tflite"), pixels),
        "keras": np.stack([np.asarray(keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)(p[None]))[0]
                           for p in pixels[:3]]),
    }
    for name, probabilities in found.items():
        want = np.array([[row["probabilities"][c] for c in labels] for row in expected[:len(probabilities)]])
        # the same photos, resized by PIL in the dashboard and by the model's own layers here
        np.testing.assert_allclose(probabilities, want, atol=0.1, err_msg=name)
        assert (probabilities.argmax(1) == want.argmax(1)).mean() >= 0.9, name
    np.testing.assert_allclose(found["onnx"], found["tflite"], atol=1e-4)  # one model, two runtimes
    quantized = export.tflite_predict(archive.read("model_quantized.tflite"), pixels)
    np.testing.assert_allclose(quantized, found["tflite"], atol=0.1)

    result = subprocess.run([sys.executable, str(tmp_path / "predict.py"), str(photos[0])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{photos[0]}: {expected[0]['class']} (")

