"""The built-in demo dataset: names, determinism, variety, overlap between classes, first-use set-up."""

import json
import threading
import time

import numpy as np
import pytest
from PIL import Image

from weather_core import CLASSES, data
from weather_core.data import demo


def test_names_sizes_and_formats_like_the_real_data(demo_raw):
    names = sorted(p.name for p in demo_raw.iterdir())
    assert names == sorted(f"{c}{i}.jpg" for c in CLASSES for i in range(1, 13))
    assert all(data.class_of(name) for name in names)
    with Image.open(demo_raw / "sunrise12.jpg") as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", demo.DEMO_SIZE)


def test_same_seed_same_bytes_other_seed_other_pictures(tmp_path):
    first = demo.generate(tmp_path / "a", per_class=3, seed=5)
    second = demo.generate(tmp_path / "b", per_class=3, seed=5)
    other = demo.generate(tmp_path / "c", per_class=3, seed=6)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert all(a.read_bytes() != c.read_bytes() for a, c in zip(first, other))


def test_picture_k_does_not_depend_on_the_count(tmp_path):
    few = demo.generate(tmp_path / "few", per_class=2, seed=0)
    many = {p.name: p for p in demo.generate(tmp_path / "many", per_class=4, seed=0)}
    assert all(p.read_bytes() == many[p.name].read_bytes() for p in few)


def test_regenerating_replaces_old_pictures_but_keeps_other_files(tmp_path):
    out = tmp_path / "raw"
    demo.generate(out, per_class=5)
    (out / "my_notes.txt").write_text("keep me")
    demo.generate(out, per_class=2)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["my_notes.txt"] + [f"{c}{i}.jpg" for c in CLASSES for i in (1, 2)]
    )
    with pytest.raises(ValueError):
        demo.generate(out, per_class=0)


def _features(path):
    pixels = np.asarray(Image.open(path), np.float32) / 255
    return np.concatenate([pixels.mean((0, 1)), pixels.std((0, 1))])


@pytest.fixture(scope="module")
def thirty_per_class(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo30")
    start = time.perf_counter()
    paths = demo.generate(out, per_class=30, seed=0)
    elapsed = time.perf_counter() - start
    return paths, elapsed


def test_generation_is_fast(thirty_per_class):
    paths, elapsed = thirty_per_class
    assert len(paths) == 120 and elapsed < 10  # about 5 ms a picture on a laptop


def test_classes_look_like_their_weather(thirty_per_class):
    paths, _ = thirty_per_class
    mean = {c: np.mean([_features(p)[:3] for p in paths if data.class_of(p.name) == c], axis=0) for c in CLASSES}
    assert mean["shine"][2] > mean["shine"][0] + 0.1  # blue skies
    assert mean["sunrise"][0] > mean["sunrise"][2] + 0.05  # warm light
    assert mean["rain"].mean() < mean["cloudy"].mean() < mean["shine"].mean()  # rain is darkest


def test_pictures_vary_within_a_class(thirty_per_class):
    paths, _ = thirty_per_class
    shine = np.stack([np.asarray(Image.open(p), np.float32) for p in paths if p.name.startswith("shine")])
    assert shine.std(axis=0).mean() > 20  # not one picture with noise on top


def test_classes_overlap_a_little(thirty_per_class):
    # A nearest-centroid rule on colour statistics must do well, but not perfectly:
    # a CNN should have something to learn, and 100% after one epoch would teach nothing.
    paths, _ = thirty_per_class
    features = np.stack([_features(p) for p in paths])
    labels = np.array([CLASSES.index(data.class_of(p.name)) for p in paths])
    features = (features - features.mean(0)) / features.std(0)
    correct = 0
    for i in range(len(labels)):
        others = np.arange(len(labels)) != i
        centroids = np.stack([features[others & (labels == c)].mean(0) for c in range(len(CLASSES))])
        correct += int(np.argmin(((centroids - features[i]) ** 2).sum(1)) == labels[i])
    accuracy = correct / len(labels)
    assert 0.6 < accuracy < 0.97, accuracy


def test_ensure_demo_dataset_once_even_when_called_concurrently(tmp_path):
    results, errors = [], []

    def call():
        try:
            results.append(demo.ensure_demo_dataset(tmp_path))
        except Exception as error:  # surfaced below: a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prepared = tmp_path / "demo" / "prepared"
    assert results == [prepared, prepared]
    summary = json.loads((prepared / "prepared.json").read_text())
    assert summary["classes"] == {c: demo.DEMO_PER_CLASS for c in CLASSES}
    assert len(list((tmp_path / "demo" / "raw").iterdir())) == 4 * demo.DEMO_PER_CLASS
    assert not [p for p in prepared.iterdir() if p.name.startswith(".")]

    stamp = (prepared / "prepared.json").stat().st_mtime_ns
    assert demo.ensure_demo_dataset(tmp_path) == prepared
    assert (prepared / "prepared.json").stat().st_mtime_ns == stamp


def test_ensure_demo_dataset_defaults_to_the_data_root(isolated_roots):
    prepared = demo.ensure_demo_dataset()
    assert prepared == isolated_roots / "data" / "demo" / "prepared"
    assert data.split_dirs(prepared)["train"].is_dir()
