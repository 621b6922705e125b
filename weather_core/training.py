"""Training one registered model into a run folder: config, device set-up, a Keras callback that
appends per-epoch metrics and saves checkpoints atomically, the queue, and the test-split score."""

import os
import platform
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from . import CLASSES, data, jobs, runs

# Chosen by measurement on the real photos with a 2-core CPU (README "Choosing the defaults"):
# 40 epochs of model_3 at 192 px take ~25 minutes there (bfloat16) and scored 95.4 % on the test
# split; the report's augmentation cost accuracy (its brightness range fights the colour cues).
DEFAULTS = dict(model="model_3", epochs=40, batch_size=16, image_size=192, learning_rate=1e-3,
                augment=False, reduce_lr=True, early_stopping=0, seed=123)


@dataclass
class TrainConfig:
    data: str
    model: str = DEFAULTS["model"]
    epochs: int = field(default=DEFAULTS["epochs"], metadata={"range": (1, 1000)})
    batch_size: int = field(default=DEFAULTS["batch_size"], metadata={"range": (1, 1024)})
    image_size: int = field(default=DEFAULTS["image_size"], metadata={"range": (32, 512)})
    learning_rate: float = DEFAULTS["learning_rate"]
    augment: bool = DEFAULTS["augment"]
    reduce_lr: bool = DEFAULTS["reduce_lr"]  # the report's ReduceLROnPlateau on val_accuracy
    early_stopping: int = DEFAULTS["early_stopping"]  # patience in epochs; 0 = off
    seed: int = DEFAULTS["seed"]
    mixed_precision: bool = True  # where the hardware pays for it (see setup_device)

    def validate(self):
        from .models import MODELS, canonical

        self.model = canonical(self.model)  # a run folder from before the `_report` names
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(MODELS)}")
        checks = [(low <= getattr(self, name) <= high, f"{name.replace('_', ' ')} must be {low}..{high}")
                  for name, (low, high) in RANGES.items()]
        checks += [(0 < self.learning_rate < 1, "learning rate must be between 0 and 1"),
                  (self.early_stopping >= 0, "early stopping patience must be >= 0")]
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


def _run_callback_class():
    import keras

    class RunFolderCallback(keras.callbacks.Callback):
        """Appends one metrics row per epoch, saves last/best models atomically, honours cancel."""

        def __init__(self, run_dir, train_count, steps, epochs):
            super().__init__()
            self.run_dir, self.train_count, self.steps, self.epochs = run_dir, train_count, steps, epochs
            self.best = (-1.0, float("inf"))
            self._last_progress = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.epoch_start = epoch, time.time()
            self.epoch_lr = _current_lr(self.model)

        def on_train_batch_end(self, batch, logs=None):
            if time.time() - self._last_progress > 2:
                self._last_progress = time.time()
                runs.write_status(self.run_dir, "running", epoch=self.epoch + 1,
                                  epochs=self.epochs, batch=batch + 1, steps=self.steps)

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            seconds = time.time() - self.epoch_start
            row = {"epoch": epoch + 1, "lr": self.epoch_lr, "seconds": round(seconds, 3),
                   "train_images_per_second": round(self.train_count / seconds, 2)}
            for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
                if key in logs:
                    row[key] = float(logs[key])
            score = (row.get("val_accuracy", 0.0), -row.get("val_loss", 0.0))
            row["best"] = score > (self.best[0], -self.best[1])
            save_model_atomic(self.model, self.run_dir / runs.LAST_MODEL)
            if row["best"]:
                self.best = (score[0], -score[1])
                save_model_atomic(self.model, self.run_dir / runs.BEST_MODEL)
            runs.append_metrics(self.run_dir, row)
            runs.write_status(self.run_dir, "running", epoch=epoch + 1, epochs=self.epochs,
                              batch=self.steps, steps=self.steps)
            if runs.cancel_requested(self.run_dir):
                self.model.stop_training = True

    return RunFolderCallback


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
        runs.write_status(run_dir, "running", started=time.time(), pid=os.getpid(), epoch=0)
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
    from .augment import build_augmenter

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

    augmenter = build_augmenter(seed=config.seed) if config.augment else None
    train_ds = pipeline.make_dataset(loaded["train"], config.image_size, config.batch_size,
                                     len(class_names), shuffle=True, seed=config.seed,
                                     augmenter=augmenter)
    val_ds = pipeline.make_dataset(loaded["val"], config.image_size, config.batch_size,
                                   len(class_names))
    done = runs.read_metrics(run_dir)
    with strategy.scope():
        if done and (run_dir / runs.LAST_MODEL).exists():
            # Resuming an interrupted run: weights and optimizer state (learning rate included).
            model = keras.saving.load_model(run_dir / runs.LAST_MODEL, safe_mode=True)
        else:
            done = []
            model = models.build(config.model, config.image_size, len(class_names))
            model.compile(optimizer=keras.optimizers.Adam(config.learning_rate),
                          loss="categorical_crossentropy", metrics=["accuracy"])

    steps = -(-len(loaded["train"]) // config.batch_size)
    callback = _run_callback_class()(run_dir, len(loaded["train"]), steps, config.epochs)
    callback.best = max(((r.get("val_accuracy", 0.0), r.get("val_loss", 0.0)) for r in done),
                        key=lambda score: (score[0], -score[1]), default=(-1.0, float("inf")))
    callbacks = [callback]
    if config.reduce_lr:
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor="val_accuracy", factor=0.1, patience=5, cooldown=3, min_lr=1e-30))
    if config.early_stopping:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor="val_accuracy", patience=config.early_stopping))
    model.fit(train_ds, validation_data=val_ds, epochs=config.epochs, initial_epoch=len(done),
              callbacks=callbacks, verbose=2)

    cancelled = runs.cancel_requested(run_dir)
    result = {"epochs_done": len(runs.read_metrics(run_dir))}
    if "test" in loaded and len(loaded["test"]):
        report = evaluation.evaluate_run(run_dir, split=loaded["test"])
        runs.write_json_atomic(run_dir / "evaluation.json", report)
        result.update(test_accuracy=report["accuracy"], test_loss=report["loss"], test_n=report["n"])
    state = "cancelled" if cancelled else "finished"
    return runs.write_status(run_dir, state, finished=time.time(), pid=os.getpid(), **result)


def train(config: TrainConfig, root=None):
    """Create and train a run in this process (the CLI's headless path); returns (run_dir, status)."""
    run_dir = create_run(config, root)
    runs.write_status(run_dir, "queued", pid=os.getpid())
    status = run_training(run_dir)
    return run_dir, status
