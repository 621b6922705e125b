"""The levers of issue 24: random-resized crops, the separable sky_net, EMA and test-time flips as
training options; the lever chart read from the bench file; the classes a run confuses most; and
a `best` run on every page that uses a model (Classify, Errors, export)."""

import io
import json
import zipfile

import numpy as np
import pytest

from pages.ui import i18n
from weather_core import runs, training
from weather_core.models import augment_layers, build, summary
from weather_core.training import recipes
from weather_core.data.images import open_rgb
from weather_core.use.evaluation import most_confused
from weather_core.use import export, inference
from support import assert_clean, copy_run, open_page, run_data_at, texts


def test_sky_crop_is_seeded_keeps_the_range_and_never_changes_hue():
    rng = np.random.RandomState(0)
    photos = rng.uniform(0, 255, (6, 48, 48, 3)).astype("float32")
    first = np.asarray(augment_layers.build_crop_augmenter(seed=7)(photos, training=True))
    again = np.asarray(augment_layers.build_crop_augmenter(seed=7)(photos, training=True))
    other = np.asarray(augment_layers.build_crop_augmenter(seed=8)(photos, training=True))
    assert first.shape == photos.shape and np.array_equal(first, again) and not np.array_equal(first, other)
    assert 0.0 <= first.min() and first.max() <= 255.0
    grey = np.full((6, 48, 48, 3), 120.0, dtype="float32")
    jittered = np.asarray(augment_layers.build_crop_augmenter(jitter=0.1, seed=1)(grey, training=True))
    assert np.allclose(jittered[..., 0], jittered[..., 1]) and np.allclose(jittered[..., 1], jittered[..., 2])
    shifts = jittered.mean(axis=(1, 2, 3)) - 120.0
    assert np.abs(shifts).max() <= 0.1 * 255 + 1e-3 and np.abs(shifts).max() > 1.0
    assert np.array_equal(np.asarray(augment_layers.build_crop_augmenter(seed=1)(photos, training=False)), photos)


def test_a_crop_box_covers_30_to_100_percent_of_the_photo():
    # A horizontal ramp 0..255: a crop's columns span a sub-range of it, as wide as the box.
    ramp = np.tile(np.linspace(0, 255, 100, dtype="float32")[None, None, :, None], (200, 100, 1, 3))
    out = np.asarray(augment_layers.build_crop_augmenter(flip=False, jitter=0.0, seed=3)(ramp, training=True))
    widths = (out[:, 0, -1, 0] - out[:, 0, 0, 0]) / 255.0
    assert widths.min() > np.sqrt(0.3 * 3 / 4) - 0.02 and widths.max() <= 1.0 + 1e-5
    assert (widths > 0).all()  # no flip asked for: never mirrored
    mirrored = np.asarray(augment_layers.build_crop_augmenter(flip=True, jitter=0.0, seed=3)(ramp, training=True))
    assert 60 < ((mirrored[:, 0, -1, 0] - mirrored[:, 0, 0, 0]) < 0).sum() < 140  # about half


def test_sky_net_is_small_and_has_no_hidden_dense_layer():
    table = summary("sky_net", 96)
    assert table["total_params"] < summary("model_3", 96)["total_params"] / 5
    assert [row["type"] for row in table["layers"]].count("Dense") == 1
    assert "GlobalAveragePooling2D" in [row["type"] for row in table["layers"]]
    assert build("sky_net", 96).output_shape == (None, 4)


def test_most_confused_counts_both_directions_and_ranks_them():
    report = {"classes": ["cloudy", "rain", "shine", "sunrise"],
              "confusion_matrix": [[30, 1, 5, 0], [0, 20, 0, 0], [2, 0, 40, 1], [0, 0, 0, 25]]}
    pairs = most_confused(report)
    assert pairs[0] == {"classes": ("cloudy", "shine"), "total": 7, "a_as_b": 5, "b_as_a": 2, "share": 7 / 9}
    assert [p["classes"] for p in pairs[1:]] == [("cloudy", "rain"), ("shine", "sunrise")]
    perfect = {"classes": ["a", "b"], "confusion_matrix": [[3, 0], [0, 4]]}
    assert most_confused(perfect) == []


def lever(accuracy, error, options):
    return {"accuracy": accuracy, "standard_error": error, "n": 845, "folds": 5, "seeds": [1],
            "mean_seconds": 96.0, "options": options, "trainings": []}


def test_levers_are_read_sorted_and_a_broken_or_unfinished_entry_is_left_out(tmp_path):
    results = tmp_path / "results.json"
    unfinished = {**lever(0.9408, 0.0199, "--label-smoothing 0"), "n": 169, "folds": 1}  # one fold so far
    results.write_text(json.dumps({"levers": {
        "baseline (quick)": lever(0.9207, 0.0096, ""), "crops": lever(0.9391, 0.0088, "--crop"),
        "ema": lever(0.9160, 0.01, "--ema"), "broken": {"accuracy": "high"}, "smoothing off": unfinished}}))
    found = recipes.levers(results)
    assert [f["name"] for f in found] == ["ema", "baseline (quick)", "crops"]
    assert found[2]["options"] == "--crop" and found[2]["standard_error"] == 0.0088
    assert recipes.levers(tmp_path / "absent.json") == []


@pytest.fixture(scope="module")
def best_run(roots, app_demo, tmp_path_factory):
    """A run of the `best` recipe's settings (its model, crops, EMA, test-time flip...), shrunk to
    one epoch at 32 px, in this module's runs root."""
    settings = recipes.resolve("best", epochs=1, image_size=32, batch_size=16)
    config = training.TrainConfig(data=str(app_demo), **settings)
    run_dir, status = training.train(config, root=tmp_path_factory.mktemp("best_runs"))
    assert status["state"] == "finished", status
    return copy_run(run_dir, roots / "runs")


def test_the_lever_chart_shows_beside_the_recipe_picker(roots, app_demo, tmp_path, monkeypatch):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"levers": {"baseline (quick)": lever(0.9207, 0.0096, ""),
                                              "crops": lever(0.9391, 0.0088, "--crop")}}))
    monkeypatch.setattr(recipes, "RESULTS_FILE", results)
    at = open_page("pages/train.py")
    assert_clean(at)
    assert at.expander[0].label == i18n.t("levers.expander")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert chart["x"] == [0.9207, 0.9391] and chart["error_x"]["array"] == [0.0096, 0.0088]


def test_a_best_run_records_its_levers_and_scores_with_test_time_flips(best_run):
    config = runs.read_json(best_run / "config.json")
    best = recipes.RECIPES["best"]
    assert {key: config[key] for key in best} == {**best, "image_size": 32, "epochs": 1, "batch_size": 16}
    model = inference.load_model(best_run)
    photos = np.random.RandomState(1).uniform(0, 1, (3, 32, 32, 3)).astype("float32")
    plain = np.asarray(model(photos, training=False))
    mirrored = np.asarray(model(photos[:, :, ::-1], training=False))
    assert np.allclose(inference.probabilities_of(model, photos, tta=True), (plain + mirrored) / 2, atol=1e-6)
    assert inference.uses_tta(best_run) is best["tta"]


def test_a_best_run_loads_on_classify_errors_and_export(best_run, app_demo):
    photo = next((app_demo / "split" / "test" / "rain").iterdir()).read_bytes()
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value([("sky.jpg", photo, "image/jpeg")]).run()
    assert_clean(at)
    assert at.get("plotly_chart"), "no probabilities chart for the best run"
    with run_data_at(best_run, app_demo):
        at = open_page("pages/errors.py")
        assert_clean(at)
        report = runs.read_json(best_run / "evaluation.json")
        if most_confused(report):
            assert i18n.t("errors.most_confused") in texts(at.markdown)
        else:
            assert i18n.t("errors.no_confusion") in texts(at.success)
    # sky_net's separable convolutions (and the flip, when the recipe uses one) convert too
    archive = zipfile.ZipFile(io.BytesIO(export.export_zip(best_run)))
    assert {"model.keras", "model.onnx", "model_quantized.tflite", "labels.txt", "MODEL_CARD.md"} <= set(archive.namelist())
    pixels = np.asarray(open_rgb(photo))
    expected = inference.predict(best_run, [photo])[0]["probabilities"]
    found = export.tflite_predict(archive.read("model.tflite"), [pixels])[0]
    labels = archive.read("labels.txt").decode().split()
    np.testing.assert_allclose(found, [expected[c] for c in labels], atol=0.1)
