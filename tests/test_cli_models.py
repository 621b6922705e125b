"""The CLI contract for summary, train, evaluate and predict (what scripts and checks rely on)."""

import json
import subprocess
import sys

import pytest

from weather_core.models import report
from weather_core import settings


def cli(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "weather_core", *map(str, args)],
                            capture_output=True, text=True, cwd=settings.PROJECT_ROOT, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def train_output(demo_prepared, tmp_path_factory):
    runs_root = tmp_path_factory.mktemp("cli_runs")
    return cli("train", "--data", demo_prepared, "--model", "model_1", "--epochs", 1,
               "--batch-size", 16, "--image-size", 32, "--runs", runs_root, "--json")


@pytest.fixture(scope="module")
def trained(train_output):
    return json.loads(train_output.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # TensorFlow starts in a subprocess
def test_summary_json_matches_the_report():
    table = json.loads(cli("summary", "model_3", "--json").stdout)
    assert set(table) == {"model", "input_shape", "total_params", "trainable_params",
                          "non_trainable_params", "layers"}
    assert (table["total_params"], table["non_trainable_params"]) == report.PARAMS["model_3"]
    assert table["input_shape"] == [report.IMAGE_SIZE, report.IMAGE_SIZE, 3]
    assert set(table["layers"][0]) == {"name", "type", "output_shape", "params"}


@pytest.mark.slow  # trains in a subprocess
def test_train_json_last_line(trained):
    assert trained["status"] == "finished"
    assert 0.0 <= trained["test_accuracy"] <= 1.0
    assert (settings.PROJECT_ROOT / trained["run_dir"]).joinpath("best.keras").exists()


@pytest.mark.slow  # trains in a subprocess
def test_train_json_stdout_is_json_lines_only(train_output):
    # What `train --json | python -c 'import json,sys; [json.loads(l) for l in sys.stdin]'` reads.
    lines = train_output.stdout.splitlines()
    assert lines and [json.loads(line) for line in lines][-1]["status"] == "finished"
    assert "epoch" in train_output.stderr.lower()  # Keras' progress went to stderr instead


@pytest.mark.slow  # trains in a subprocess
def test_evaluate_json_on_test_split_and_other_folder(trained, demo_raw):
    evaluation = json.loads(cli("evaluate", trained["run_dir"], "--json").stdout)
    assert set(evaluation) >= {"accuracy", "loss", "n", "classes", "confusion_matrix", "per_class",
                               "misclassified"}
    assert evaluation["accuracy"] == pytest.approx(trained["test_accuracy"])
    flat = json.loads(cli("evaluate", trained["run_dir"], "--images", demo_raw, "--json").stdout)
    assert flat["n"] == 48  # a flat folder named like the real data: classes from file names


@pytest.mark.slow  # trains in a subprocess
def test_predict_json_reports_bad_files_per_file(trained, demo_raw, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    good = sorted(demo_raw.glob("shine*.jpg"))[0]
    results = json.loads(cli("predict", trained["run_dir"], good, bad, "--json").stdout)
    assert results[0]["file"] == str(good) and results[0]["class"] in results[0]["probabilities"]
    assert results[1]["file"] == str(bad) and "error" in results[1]


def test_errors_are_one_line_without_traceback(tmp_path):
    for args in (["evaluate", tmp_path / "nope"], ["summary", "model_2", "--image-size", 64],
                 ["train", "--data", tmp_path, "--epochs", 1]):
        result = cli(*args, check=False)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("error: ")
