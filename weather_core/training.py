"""Training one registered model into a run folder: config, device set-up, a Keras callback that
appends per-epoch metrics and saves checkpoints atomically, the queue, and the test-split score."""

import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from . import CLASSES, data, jobs, recipes, runs

# The defaults are the `quick` recipe (weather_core/recipes.py; figures in README "Recipes").
DEFAULTS = dict(recipes.RECIPES[recipes.DEFAULT_RECIPE], early_stopping=0, seed=123)
LR_SCHEDULES = ("constant", "cosine")


@dataclass
class TrainConfig:
    data: str
    model: str = DEFAULTS["model"]
    epochs: int = field(default=DEFAULTS["epochs"], metadata={"range": (1, 1000)})
    batch_size: int = field(default=DEFAULTS["batch_size"], metadata={"range": (1, 1024)})
    image_size: int = field(default=DEFAULTS["image_size"], metadata={"range": (32, 512)})
    learning_rate: float = DEFAULTS["learning_rate"]
    augment: bool = DEFAULTS["augment"]  # the report's augmentation (rotation, shifts, brightness...)
    reduce_lr: bool = DEFAULTS["reduce_lr"]  # the report's ReduceLROnPlateau on val_accuracy
    early_stopping: int = DEFAULTS["early_stopping"]  # patience in epochs; 0 = off
    seed: int = DEFAULTS["seed"]
    mixed_precision: bool = True  # where the hardware pays for it (see setup_device)
    lr_schedule: str = DEFAULTS["lr_schedule"]  # constant, or cosine decay after a linear warm-up
    warmup_epochs: int = DEFAULTS["warmup_epochs"]
    label_smoothing: float = DEFAULTS["label_smoothing"]
    flip: bool = DEFAULTS["flip"]  # random horizontal flips of training photos
    recipe: str = recipes.DEFAULT_RECIPE  # the recipe these settings started from

    def validate(self):
        from .models import MODELS, canonical

        self.model = canonical(self.model)  # a run folder from before the `_report` names
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(MODELS)}")
        checks = [(low <= getattr(self, name) <= high, f"{name.replace('_', ' ')} must be {low}..{high}")
                  for name, (low, high) in RANGES.items()]
        checks += [(0 < self.learning_rate < 1, "learning rate must be between 0 and 1"),
                   (self.early_stopping >= 0, "early stopping patience must be >= 0"),
                   (self.lr_schedule in LR_SCHEDULES,
                    f"learning-rate schedule must be one of {', '.join(LR_SCHEDULES)}"),
                   (not (self.reduce_lr and self.lr_schedule == "cosine"),
                    "ReduceLROnPlateau needs the constant learning-rate schedule, not cosine"),
                   (0 <= self.warmup_epochs <= 100, "warm-up epochs must be 0..100"),
                   (0 <= self.label_smoothing < 1, "label smoothing must be 0..1")]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        data.split_dirs(self.data)  # raises DataError when there is nothing to train on
        return self

    @classmethod
    def from_dict(cls, values):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


RANGES = {f.name: f.metadata["range"] for f in fields(TrainConfig) if "range" in f.metadata}  # the one copy


def value_range(name) -> tuple:
    """(lowest, highest) allowed value of a TrainConfig field: epochs, batch_size, image_size."""
    return RANGES[name]


def package_versions():
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy", "pillow", "split-folders"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def create_run(config: TrainConfig, root=None) -> Path:
    """A new run folder holding the config and a 'queued' status; nothing is trained yet."""
    config.validate()
    run_dir = runs.new_run_dir(config.model, root)
    record = {**asdict(config), "data": str(Path(config.data).resolve()),
              "optimizer": "adam", "loss": "categorical_crossentropy",
              "callbacks": _callback_names(config), "packages": package_versions()}
    runs.write_json_atomic(run_dir / "config.json", record)
    runs.write_status(run_dir, "queued", created=time.time())  # the trainer's pid comes later
    return run_dir


def _callback_names(config):
    names = []
    if config.lr_schedule == "cosine":
        names.append(f"CosineDecay(warmup_epochs={config.warmup_epochs})")
    if config.reduce_lr:
        names.append("ReduceLROnPlateau(monitor='val_accuracy', factor=0.1, patience=5, cooldown=3)")
    if config.early_stopping:
        names.append(f"EarlyStopping(monitor='val_accuracy', patience={config.early_stopping})")
    return names


def cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def precision_policy(gpus, capability, allowed=True) -> str:
    """float16 on GPUs with tensor cores (compute capability 7.0+); bfloat16 on CPUs with native
    bf16 instructions, where it halves the CPU time of a training step; float32 otherwise."""
    if not allowed:
        return "float32"
    if gpus:
        return "mixed_float16" if capability >= (7, 0) else "float32"
    return "mixed_bfloat16" if cpu_has_bf16() else "float32"


def setup_device(mixed_precision=True):
    """Grow GPU memory on demand, mixed precision where it pays, several GPUs mirrored."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    names = [tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus]
    capability = min((tf.config.experimental.get_device_details(g).get("compute_capability", (0, 0))
                      for g in gpus), default=(0, 0))
    policy = precision_policy(gpus, capability, mixed_precision)
    keras.mixed_precision.set_global_policy(policy)
    strategy = tf.distribute.MirroredStrategy() if len(gpus) > 1 else tf.distribute.get_strategy()
    device = {"type": "GPU" if gpus else "CPU", "gpus": names, "precision": policy,
              "replicas": strategy.num_replicas_in_sync, "cpu_count": os.cpu_count(),
              "machine": platform.machine(), "platform": platform.platform()}
    return strategy, device


PROGRESS_EVERY = 2.0  # seconds between batch-level progress rows and status updates


class TrainingCancelled(Exception):
    """Raised from the callback when a cancel is requested: fit stops at the next batch."""


def seconds_left(epoch_seconds, epochs, epoch, batch, steps, epoch_elapsed):
    """Time left of a training, from what this run measured so far.

    After the first epoch: the mean epoch duration (validation included) times what is left. During
    the first: this epoch's pace per batch, with validation guessed at 15 % of an epoch."""
    if batch <= 0 and not epoch_seconds:
        return None
    if epoch_seconds:
        per_epoch = sum(epoch_seconds) / len(epoch_seconds)
        return max(0.0, per_epoch * (epochs - epoch + 1) - epoch_elapsed)
    per_epoch = epoch_elapsed / batch * steps * 1.15
    return max(0.0, per_epoch * (epochs - epoch + 1) - epoch_elapsed)


def _run_callback_class():
    import keras

    class RunFolderCallback(keras.callbacks.Callback):
        """Writes the run folder as training goes: a progress row every few seconds, one metrics row
        and atomic last/best models per epoch, the phase and a measured ETA in status.json; a
        cancel request stops training at the next batch, keeping the last completed epoch."""

        def __init__(self, run_dir, train_count, steps, epochs, done_rows=()):
            super().__init__()
            self.run_dir, self.train_count, self.steps, self.epochs = run_dir, train_count, steps, epochs
            self.best = (-1.0, float("inf"))
            self.epoch_seconds = [r["seconds"] for r in done_rows if isinstance(r.get("seconds"), float)][-3:]
            self._last_progress = 0.0
            self.epoch, self.batch, self.epoch_start = 0, 0, time.time()

        def _status(self, phase, **extra):
            elapsed = time.time() - self.epoch_start
            left = seconds_left(self.epoch_seconds, self.epochs, self.epoch + 1, self.batch,
                                self.steps, elapsed)
            runs.write_status(self.run_dir, "running", phase=phase, epoch=self.epoch + 1,
                              epochs=self.epochs, batch=self.batch, steps=self.steps,
                              eta_seconds=None if left is None else round(left, 1), **extra)

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.batch, self.epoch_start = epoch, 0, time.time()
            self.epoch_lr = _current_lr(self.model)
            self._status("training")

        def on_train_batch_end(self, batch, logs=None):
            self.batch = batch + 1
            if runs.cancel_requested(self.run_dir):
                raise TrainingCancelled()
            if time.time() - self._last_progress > PROGRESS_EVERY:
                self._last_progress = time.time()
                logs = logs or {}
                row = {"epoch": round(self.epoch + self.batch / self.steps, 4), "time": round(time.time(), 2)}
                row.update({k: float(logs[k]) for k in ("loss", "accuracy") if k in logs})
                runs.append_progress(self.run_dir, row)
                self._status("training")

        def on_test_begin(self, logs=None):
            self._status("validating")

        def on_test_batch_end(self, batch, logs=None):
            if runs.cancel_requested(self.run_dir):
                raise TrainingCancelled()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            seconds = time.time() - self.epoch_start
            self.epoch_seconds = (self.epoch_seconds + [seconds])[-3:]  # recent pace: load changes
            row = {"epoch": epoch + 1, "lr": self.epoch_lr, "seconds": round(seconds, 3),
                   "train_images_per_second": round(self.train_count / seconds, 2)}
            for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
                if key in logs:
                    row[key] = float(logs[key])
            score = (row.get("val_accuracy", 0.0), -row.get("val_loss", 0.0))
            row["best"] = score > (self.best[0], -self.best[1])
            self._status("saving")
            save_model_atomic(self.model, self.run_dir / runs.LAST_MODEL)
            if row["best"]:
                self.best = (score[0], -score[1])
                save_model_atomic(self.model, self.run_dir / runs.BEST_MODEL)
            runs.append_metrics(self.run_dir, row)
            print(_epoch_line(row, self.epochs), file=sys.stderr, flush=True)  # stdout: --json only
            self.epoch, self.batch, self.epoch_start = epoch + 1, 0, time.time()
            self._status("training")

    return RunFolderCallback


def _epoch_line(row, epochs):
    parts = [f"epoch {row['epoch']}/{epochs}", f"{row['seconds']:.1f} s"]
    parts += [f"{key} {row[key]:.4f}" for key in ("loss", "accuracy", "val_loss", "val_accuracy")
              if key in row]
    return " - ".join(parts)


def _current_lr(model):
    import keras

    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def save_model_atomic(model, path):
    """Save beside the target, then rename: a crash or full disk never leaves a broken model."""
    path = Path(path)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def run_training(run_dir):
    """Train the run described by run_dir/config.json; writes everything into the folder."""
    run_dir = Path(run_dir)
    slot = jobs.wait_for_slot(run_dir)
    if slot is None:
        runs.write_status(run_dir, "cancelled", pid=os.getpid(), error="cancelled while queued")
        return runs.read_json(run_dir / "status.json")
    try:
        runs.write_status(run_dir, "running", started=time.time(), pid=os.getpid(), epoch=0,
                          phase="loading")
        return _train(run_dir)
    except KeyboardInterrupt:
        runs.write_status(run_dir, "cancelled", pid=os.getpid(), error="interrupted by the user")
        raise
    except Exception as error:  # recorded for the pages; the CLI prints it as one line
        runs.write_status(run_dir, "failed", pid=os.getpid(), error=f"{type(error).__name__}: {error}")
        raise
    finally:
        slot.close()


def _train(run_dir):
    import keras

    from . import evaluation, models, pipeline

    record = runs.read_json(run_dir / "config.json")
    config = TrainConfig.from_dict(record)
    keras.utils.set_random_seed(config.seed)
    strategy, device = setup_device(config.mixed_precision)

    splits = data.split_dirs(config.data)
    class_names = [c for c in CLASSES if (Path(splits["train"]) / c).is_dir()]
    loaded = {}
    for name, folder in splits.items():  # earlier splits' cache entries stay while later ones load
        in_use = [entry for split in loaded.values() for entry in split.entries]
        loaded[name] = pipeline.load_split(folder, config.image_size, class_names, keep=in_use)
    if len(loaded["train"]) == 0 or "val" not in loaded or len(loaded["val"]) == 0:
        raise data.DataError("the training and validation splits need at least one photo each")
    record.update(device=device, class_names=class_names,
                  split={name: {"count": len(s), "files": [Path(f).name for f in s.files],
                                "skipped": s.errors} for name, s in loaded.items()})
    runs.write_json_atomic(run_dir / "config.json", record)

    augmenter = _augmenter(config)
    train_ds = pipeline.make_dataset(loaded["train"], config.image_size, config.batch_size,
                                     len(class_names), shuffle=True, seed=config.seed,
                                     augmenter=augmenter)
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
            model.compile(optimizer=keras.optimizers.Adam(_learning_rate(config, steps)),
                          loss=keras.losses.CategoricalCrossentropy(
                              label_smoothing=config.label_smoothing),
                          metrics=["accuracy"])

    callback = _run_callback_class()(run_dir, len(loaded["train"]), steps, config.epochs, done)
    callback.best = max(((r.get("val_accuracy", 0.0), r.get("val_loss", 0.0)) for r in done),
                        key=lambda score: (score[0], -score[1]), default=(-1.0, float("inf")))
    callbacks = [callback]
    if config.reduce_lr:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor="val_accuracy", factor=0.1, patience=5, cooldown=3, min_lr=1e-30))
    if config.early_stopping:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_accuracy", patience=config.early_stopping))
    try:
        model.fit(train_ds, validation_data=val_ds, epochs=config.epochs, initial_epoch=len(done),
                  callbacks=callbacks, verbose=0)
    except TrainingCancelled:
        pass  # last.keras / best.keras on disk are those of the last completed epoch

    cancelled = runs.cancel_requested(run_dir)
    if cancelled:
        return runs.write_status(run_dir, "cancelled", finished=time.time(), pid=os.getpid(),
                                 epochs_done=len(runs.read_metrics(run_dir)))
    result = {"epochs_done": len(runs.read_metrics(run_dir))}
    if "test" in loaded and len(loaded["test"]):
        runs.write_status(run_dir, "running", phase="testing", epoch=result["epochs_done"],
                          epochs=config.epochs)
        report = evaluation.evaluate_run(run_dir, split=loaded["test"])
        runs.write_json_atomic(run_dir / "evaluation.json", report)
        result.update(test_accuracy=report["accuracy"], test_loss=report["loss"], test_n=report["n"])
    state = "cancelled" if cancelled else "finished"
    return runs.write_status(run_dir, state, finished=time.time(), pid=os.getpid(), **result)


def _augmenter(config):
    import keras

    from .augment import build_augmenter

    if config.augment:
        return build_augmenter(seed=config.seed)  # the report's settings, flip included
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


def train(config: TrainConfig, root=None):
    """Create and train a run in this process (the CLI's headless path); returns (run_dir, status)."""
    run_dir = create_run(config, root)
    runs.write_status(run_dir, "queued", pid=os.getpid())
    status = run_training(run_dir)
    return run_dir, status
