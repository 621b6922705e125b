"""Knowledge distillation (Hinton et al. 2015): a student's training targets are half each photo's
label and half the averaged probabilities that trained runs, its teachers, give that photo."""

from pathlib import Path

import numpy as np

from ..use import evaluation, inference

TEACHER_WEIGHT = 0.5  # the label keeps the other half, so a teachers' shared mistake cannot win alone


def check_teachers(teachers) -> list[str]:
    """The teachers as absolute paths; raises ValueError naming one that is not a run with a model."""
    found = [str(Path(teacher).absolute()) for teacher in teachers]
    for teacher in found:
        inference.model_path(teacher)
    return found


def soft_targets(teachers, split, folder, class_names) -> np.ndarray:
    """(photos x classes) targets for a loaded split of `folder`: TEACHER_WEIGHT of the teachers'
    mean probabilities plus the rest of the one-hot label (a photo no teacher could read: its label)."""
    labels = np.eye(len(class_names))[split.labels]
    taught = np.zeros_like(labels)
    for teacher in teachers:
        known, _ = inference.run_classes(teacher)
        if list(known) != list(class_names):
            raise ValueError(f"teacher {Path(teacher).name} knows {', '.join(known)}, not "
                             f"{', '.join(class_names)}")
        report = evaluation.evaluate_run(teacher, images=folder)
        said = {row["file"]: [row["probabilities"][name] for name in class_names]
                for row in report["predictions"]}
        taught += np.array([said.get(file, row) for file, row in zip(split.files, labels)])
    return (1 - TEACHER_WEIGHT) * labels + TEACHER_WEIGHT * taught / len(teachers)
