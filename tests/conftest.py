"""Shared fixtures: temporary data, cache and runs folders for the whole session (tests never write
into the repository), the real photos when ../shared is present, and a small demo dataset."""

from pathlib import Path

import pytest

from weather_core import data, settings, training
from weather_core.data import demo
from support import TINY, copy_run, jpeg, private_roots

MWD_DIR = settings.shared_photos()


@pytest.fixture(scope="session", autouse=True)
def isolated_roots(tmp_path_factory):
    root = tmp_path_factory.mktemp("roots")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEATHER_DATA_DIR", str(root / "data"))
        patch.setenv("WEATHER_CACHE_DIR", str(root / "cache"))
        patch.setenv("WEATHER_RUNS_DIR", str(root / "runs"))
        yield root


@pytest.fixture(scope="session")
def mwd_dir() -> Path:
    if not MWD_DIR.is_dir():
        pytest.skip(f"real data not available at {MWD_DIR}")
    return MWD_DIR


@pytest.fixture(scope="session")
def demo_raw(isolated_roots, tmp_path_factory) -> Path:
    """A flat folder of 12 demo photos per class (cloudy1.jpg ... sunrise12.jpg). Do not modify."""
    out = tmp_path_factory.mktemp("demo") / "raw"
    demo.generate(out, per_class=12, seed=0)
    return out


@pytest.fixture(scope="session")
def demo_prepared(demo_raw, tmp_path_factory) -> Path:
    """demo_raw prepared (sorted/, split/ with 0.7/0.15/0.15, prepared.json). Do not modify."""
    out = tmp_path_factory.mktemp("demo_prepared")
    data.prepare(demo_raw, out)
    return out


@pytest.fixture(scope="session", autouse=True)
def navigation_like_the_server():
    """A server sees the pages/ folder once, runs in 'pages folder' (v1) mode until app.py's
    st.navigation switches that off for good. AppTest re-decides before every run, so a
    switch_page() would run the page file alone, without app.py and its sidebar; keep v2."""
    from streamlit.testing.v1 import app_test

    original = app_test.PagesManager

    class NavigationPagesManager(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            original.uses_pages_directory = False

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_test, "PagesManager", NavigationPagesManager)
        yield


@pytest.fixture
def empty_runs(tmp_path, monkeypatch):
    """A fresh, empty runs root for one test (WEATHER_RUNS_DIR points at it)."""
    monkeypatch.setenv("WEATHER_RUNS_DIR", str(tmp_path / "runs"))
    (tmp_path / "runs").mkdir()
    return tmp_path / "runs"


@pytest.fixture(scope="session")
def tiny_trained_run(demo_prepared, tmp_path_factory) -> Path:
    """model_1 at 32 px, one epoch on demo_prepared, in a runs root of its own. Copy before use."""
    run_dir, status = training.train(training.TrainConfig(data=str(demo_prepared), **TINY),
                                     root=tmp_path_factory.mktemp("tiny_runs"))
    assert status["state"] == "finished", status
    return run_dir


@pytest.fixture(scope="module")
def roots(request, tmp_path_factory):
    """WEATHER_DATA/RUNS/CACHE_DIR of the requesting module's own, for all its tests."""
    yield from private_roots(tmp_path_factory, request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def tiny_run(tiny_trained_run, roots):
    """A copy of the session's tiny trained run in the module's runs root (pages list it)."""
    return copy_run(tiny_trained_run, roots / "runs")


@pytest.fixture(scope="module")
def app_demo(roots):
    """The dashboard's own demo dataset (made on first use) in the module's data root."""
    return demo.ensure_demo_dataset()


def _train_once(tmp_path_factory, name, **settings_):
    """A finished run on the dashboard's demo dataset, trained once for the whole session."""
    prepared = demo.ensure_demo_dataset(root=tmp_path_factory.mktemp(f"{name}_data"))
    config = training.TrainConfig(data=str(prepared), model="model_1", image_size=32, batch_size=16,
                                  **settings_)
    run_dir, status = training.train(config, root=tmp_path_factory.mktemp(f"{name}_runs"))
    assert status["state"] == "finished", status
    return run_dir


@pytest.fixture(scope="session")
def one_epoch_run(tmp_path_factory) -> Path:
    """model_1, 32 px, one epoch on the demo dataset (trained once). Copy before use."""
    return _train_once(tmp_path_factory, "one_epoch", epochs=1)


@pytest.fixture(scope="session")
def two_epoch_run(tmp_path_factory) -> Path:
    """As one_epoch_run, two epochs without augmentation: curves with more than one point."""
    return _train_once(tmp_path_factory, "two_epoch", epochs=2, augment=False)


@pytest.fixture(scope="module")
def trained_run(one_epoch_run, app_demo, roots):
    """A tiny finished run in the module's runs root, so Train, Compare, Classify and Errors show
    results, not just a hint."""
    return copy_run(one_epoch_run, roots / "runs")


@pytest.fixture
def cache(tmp_path):
    """A decoded-image cache of 100 MB in the test's own folder."""
    from weather_core.data.images import DecodeCache

    return DecodeCache(tmp_path / "cache", 10**8)


@pytest.fixture
def messy(tmp_path):
    """A download as people really have it: odd cases, odd names, junk and broken files."""
    src = tmp_path / "messy"
    jpeg(src / "Cloudy12.JPG", (150, 150, 150))
    jpeg(src / "rain_03.png", (60, 60, 70), fmt="PNG")
    jpeg(src / "sunrise-7.jpeg", (240, 140, 60))
    jpeg(src / "shine1.jpg", (80, 140, 240), fmt="PNG")  # PNG named .jpg, as in the real data
    jpeg(src / "SUNRISE2.jpg", (230, 120, 70))
    jpeg(src / "rainbow_shine.jpg")
    jpeg(src / "holiday.jpg")
    (src / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (src / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (src / "notes.txt").write_text("rain photos from 2018\n")
    (src / "rain_readme.md").write_text("# about\n")
    (src / "cloudy_empty.jpg").write_bytes(b"")
    broken = jpeg(src / "cloudy_broken.jpg", size=(300, 200))
    broken.write_bytes(broken.read_bytes()[:200])
    jpeg(src / "extra" / "rain9.jpg")
    return src
