"""Knowledge distillation: a student trains on half its labels and half its teachers' probabilities."""

import json

import numpy as np
import pytest

from weather_core import data, training
from weather_core.models import pipeline
from weather_core.training import TrainConfig, distill
from weather_core.use import inference

TINY = dict(model="model_1", epochs=2, batch_size=16, image_size=32, learning_rate=1e-3)


@pytest.fixture(scope="module")
def teacher(demo_prepared, tmp_path_factory):
    run_dir, status = training.train(TrainConfig(data=str(demo_prepared), **TINY),
                                      root=tmp_path_factory.mktemp("teachers"))
    assert status["state"] == "finished"
    return run_dir


def test_targets_are_half_the_label_and_half_the_teachers_mean(teacher, demo_prepared):
    folder = data.split_dirs(demo_prepared)["train"]
    class_names = inference.run_classes(teacher)[0]
    split = pipeline.load_split(folder, 48, class_names)  # the student's size, not the teacher's 32
    targets = distill.soft_targets([teacher, teacher], split, folder, class_names)

    said = {row["file"]: row["probabilities"] for row in inference.predict(teacher, split.files)}
    assert targets.shape == (len(split), len(class_names)) == (32, 4)
    for file, label, row in zip(split.files, split.labels, targets):
        expected = 0.5 * np.eye(4)[label] + 0.5 * np.array([said[file][name] for name in class_names])
        np.testing.assert_allclose(row, expected, atol=1e-5)
    np.testing.assert_allclose(targets.sum(axis=1), 1, atol=1e-5)


def test_the_training_batches_carry_the_targets_given(teacher, demo_prepared):
    folder = data.split_dirs(demo_prepared)["train"]
    split = pipeline.load_split(folder, 32)
    targets = np.random.default_rng(0).dirichlet(np.ones(4), size=len(split))
    batches = pipeline.make_dataset(split, 32, 8, 4, targets=targets)
    np.testing.assert_allclose(np.concatenate([y for _, y in batches]), targets, atol=1e-6)
    plain = pipeline.make_dataset(split, 32, 8, 4)
    np.testing.assert_array_equal(np.concatenate([y for _, y in plain]), np.eye(4)[split.labels])


def test_a_student_records_its_teachers_and_trains(teacher, demo_prepared, tmp_path, monkeypatch):
    monkeypatch.chdir(teacher.parent)
    config = TrainConfig(data=str(demo_prepared), **TINY, teachers=[teacher.name])
    run_dir, status = training.train(config, root=tmp_path)
    assert status["state"] == "finished"
    assert json.loads((run_dir / "config.json").read_text())["teachers"] == [str(teacher)]


def test_a_teacher_that_is_no_trained_run_is_refused_before_a_run_exists(demo_prepared, tmp_path):
    root = tmp_path / "runs"
    (tmp_path / "empty_run").mkdir()
    with pytest.raises(ValueError, match="no saved model"):
        training.create_run(TrainConfig(data=str(demo_prepared), **TINY,
                                        teachers=[str(tmp_path / "empty_run")]), root)
    assert not root.exists() or not any(root.iterdir())
