"""Training one run folder: device set-up, the input pipeline, the model, a Keras callback that
appends per-epoch metrics and saves checkpoints atomically, and the test-split score. Waiting for
a training slot is the caller's (weather_core.jobs passes its wait in)."""

import os
import time
from pathlib import Path

from .. import CLASSES, data, models, runs
from ..models import device as device_setup, pipeline
from ..models.augment import REPORT_SETTINGS, settings_from
from ..use import evaluation
from . import distill
from .config import TENSORBOARD_DIR, TrainConfig, create_run


class _NoSlot:
    """The slot of a training that waits for no queue."""

    def release(self):
        pass


def run_training(run_dir, wait_for_slot=None):
    """Train the run described by run_dir/config.json; writes everything into the folder.
    `wait_for_slot(run_dir)`: blocks until the run may train and returns the held slot (None if it
    was cancelled meanwhile); without one the run trains at once."""
    run_dir = Path(run_dir)
    runs.remove_leftovers(run_dir)  # a killed earlier attempt's half-saved model
    slot = wait_for_slot(run_dir) if wait_for_slot else _NoSlot()
    if slot is None:
        return runs.mark_cancelled(run_dir, "cancelled while queued", pid=os.getpid())
    try:
        runs.mark_running(run_dir, started=time.time(), pid=os.getpid(), epoch=0, phase="loading")
        return _train(run_dir)
    except KeyboardInterrupt:
        runs.mark_cancelled(run_dir, "interrupted by the user", pid=os.getpid())
        raise
    except Exception as error:  # recorded for the pages; the CLI prints it as one line
        runs.mark_failed(run_dir, f"{type(error).__name__}: {error}", pid=os.getpid())
        raise
    finally:
        slot.release()


def _train(run_dir):
    import keras

    from . import callback as run_callback  # imports Keras: only once a training starts

    config = TrainConfig.from_dict(runs.read_config(run_dir))
    keras.utils.set_random_seed(config.seed)
    strategy, device = device_setup.setup_device(config.mixed_precision)

    splits = data.split_dirs(config.data)
    class_names = [c for c in CLASSES if (Path(splits["train"]) / c).is_dir()]
    loaded = {}
    for name, folder in splits.items():  # earlier splits' cache entries stay while later ones load
        in_use = [entry for split in loaded.values() for entry in split.entries]
        loaded[name] = pipeline.load_split(folder, config.image_size, class_names, keep=in_use)
    if len(loaded["train"]) == 0 or "val" not in loaded or len(loaded["val"]) == 0:
        raise data.DataError("the training and validation splits need at least one photo each")
    runs.record_training_facts(run_dir, device, class_names, {
        name: {"count": len(s), "files": [Path(f).name for f in s.files], "skipped": s.errors}
        for name, s in loaded.items()})

    augmenter = _augmenter(config)
    targets = distill.soft_targets(config.teachers, loaded["train"], splits["train"], class_names) \
        if config.teachers else None
    train_ds = pipeline.make_dataset(loaded["train"], config.image_size, config.batch_size,
                                     len(class_names), shuffle=True, seed=config.seed,
                                     augmenter=augmenter, mixup=config.mixup,
                                     cutmix=config.cutmix, targets=targets)
    val_ds = pipeline.make_dataset(loaded["val"], config.image_size, config.batch_size,
                                   len(class_names))
    done = runs.read_metrics(run_dir)
    steps = -(-len(loaded["train"]) // config.batch_size)
    with strategy.scope():
        if done and (run_dir / runs.LAST_MODEL).exists():
            # Resuming an interrupted run: weights and optimizer state (learning rate included).
            model = keras.saving.load_model(run_dir / runs.LAST_MODEL, safe_mode=True)
        else:
            done = []
            model = models.build(config.model, config.image_size, len(class_names))
            # EMA momentum 0.99 averages about the last 100 steps (3 epochs of ~35 steps).
            model.compile(optimizer=keras.optimizers.Adam(_learning_rate(config, steps),
                                                          use_ema=config.ema, ema_momentum=0.99),
                          loss=keras.losses.CategoricalCrossentropy(
                              label_smoothing=config.label_smoothing),
                          metrics=["accuracy"])
            # Made now, not by the first traced step, which would then be traced twice: the first
            # curve point comes ~2 s sooner (scripts/bench_feedback.py).
            model.optimizer.build(model.trainable_variables)

    callback = run_callback.RunFolderCallback(run_dir, len(loaded["train"]), steps, config.epochs, done)
    callback.best = max(((r.get("val_accuracy", 0.0), r.get("val_loss", 0.0)) for r in done),
                        key=lambda score: (score[0], -score[1]), default=(-1.0, float("inf")))
    # SwapEMAWeights first: the averaged weights are in the model when it is scored and saved.
    callbacks = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if config.ema else []
    callbacks.append(callback)
    if config.reduce_lr:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor="val_accuracy", factor=0.1, patience=5, cooldown=3, min_lr=1e-30))
    if config.early_stopping:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_accuracy", patience=config.early_stopping))
    # TensorBoard event files (`tensorboard --logdir runs/`); a resumed run adds a new file.
    callbacks.append(keras.callbacks.TensorBoard(str(run_dir / TENSORBOARD_DIR), write_graph=False))
    try:
        model.fit(train_ds, validation_data=val_ds, epochs=config.epochs, initial_epoch=len(done),
                  callbacks=callbacks, verbose=0)
    except run_callback.TrainingCancelled:
        pass  # last.keras / best.keras on disk are those of the last completed epoch

    cancelled = runs.cancel_requested(run_dir)
    if cancelled:
        return runs.mark_cancelled(run_dir, finished=time.time(), pid=os.getpid(),
                                   epochs_done=len(runs.read_metrics(run_dir)))
    result = {"epochs_done": len(runs.read_metrics(run_dir))}
    if "test" in loaded and len(loaded["test"]):
        runs.mark_running(run_dir, phase="testing", epoch=result["epochs_done"], epochs=config.epochs)
        report = evaluation.evaluate_run(run_dir, split=loaded["test"])
        runs.write_json_atomic(run_dir / "evaluation.json", report)
        result.update(test_accuracy=report["accuracy"], test_loss=report["loss"], test_n=report["n"])
    log_hparams(run_dir, config, result)
    return runs.mark_finished(run_dir, pid=os.getpid(), **result)


def _augmenter(config):
    import keras

    from ..models.augment_layers import build_augmenter, build_crop_augmenter

    if config.augment:  # the report's settings (flip included), or the Augmentation page's
        chosen = settings_from(config.augment_settings) if config.augment_settings else REPORT_SETTINGS
        return build_augmenter(chosen, seed=config.seed)
    if config.crop:
        return build_crop_augmenter(flip=config.flip, jitter=config.jitter, seed=config.seed)
    if config.flip:
        return keras.layers.RandomFlip("horizontal", seed=config.seed)
    return None


def _learning_rate(config, steps):
    """A float, or a cosine decay to 0 after a linear warm-up, stepped per batch. The warm-up
    leaves at least one epoch of decay (a 1-epoch run has none)."""
    import keras

    if config.lr_schedule == "constant":
        return config.learning_rate
    warmup = steps * min(config.warmup_epochs, config.epochs - 1)
    return keras.optimizers.schedules.CosineDecay(
        0.0 if warmup else config.learning_rate, decay_steps=max(1, steps * config.epochs - warmup),
        warmup_target=config.learning_rate if warmup else None, warmup_steps=warmup)


def train(config: TrainConfig, root=None, wait_for_slot=None):
    """Create and train a run in this process (the CLI's headless path); returns (run_dir, status)."""
    run_dir = create_run(config, root)
    runs.mark_queued(run_dir, pid=os.getpid())
    status = run_training(run_dir, wait_for_slot)
    return run_dir, status


# The settings TensorBoard's HParams tab sorts and filters a class's runs by.
HPARAMS = ("model", "image_size", "epochs", "batch_size", "learning_rate", "lr_schedule", "flip",
           "augment", "crop", "ema", "tta", "mixup", "cutmix", "label_smoothing", "seed", "recipe")


def log_hparams(run_dir, config, result) -> None:
    """The run's settings and its test score (when it has one) as a TensorBoard HParams session."""
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    settings = {key: getattr(config, key) for key in HPARAMS if getattr(config, key, None) is not None}
    with tf.summary.create_file_writer(str(run_dir / TENSORBOARD_DIR)).as_default():
        hp.hparams(settings, trial_id=run_dir.name)
        for name in ("test_accuracy", "test_loss"):
            if name in result:
                tf.summary.scalar(name, result[name], step=result["epochs_done"])
