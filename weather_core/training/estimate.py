"""How long a training run takes on the 2-core CPU: before it starts (measured throughputs), and the
one rule for the time left while it runs (seconds_left: the trainer writes it, pages and the queue's
timeline fall back on it through time_left)."""

from ..models import canonical

# Training images per second measured on a 2-core CPU (README "Recipes"); model_3
# at 160 and 192 px from the real-photo runs in bfloat16 (epoch time = images / rate * 1.15).
MEASURED_THROUGHPUT = {
    ("model_1", 128): 75.0, ("model_1", 250): 19.0,
    ("model_3", 64): 118.0,  # the quick recipe on a quiet machine (bench_recipes.py, seeds 2-3)
    ("model_3", 160): 26.3, ("model_3", 192): 19.4, ("model_3", 250): 5.0,
    ("sky_net", 96): 320.0,  # quick's 20 epochs of 546 photos on the CV folds: 1.95 s an epoch
}
# Model 2 was not measured: it does about twice Model 1's convolution work, so half its speed.
# A "<name>_report" variant (the report's exact version) trains as fast as <name>.
ASSUMED_FACTOR = {"model_2": 0.5}
VALIDATION_OVERHEAD = 1.15
STARTUP_SECONDS = 20  # importing TensorFlow, decoding the photos once, building the model


def images_per_second(model, image_size) -> float:
    """Training throughput on a 2-core CPU, scaled by pixel count from the closest measurement."""
    base, factor = canonical(model).removesuffix("_report"), 1.0
    sizes = [size for name, size in MEASURED_THROUGHPUT if name == base]
    if not sizes:
        base, factor = "model_1", ASSUMED_FACTOR.get(base, 0.5)
        sizes = [size for name, size in MEASURED_THROUGHPUT if name == base]
    reference = min(sizes, key=lambda size: abs(size - image_size))
    return MEASURED_THROUGHPUT[(base, reference)] * (reference / image_size) ** 2 * factor


def estimate_seconds(model, image_size, epochs, train_count) -> float:
    """Wall time of a training run on a 2-core CPU: epochs of train_count images, +15 % validation."""
    per_epoch = train_count / images_per_second(model, image_size) * VALIDATION_OVERHEAD
    return STARTUP_SECONDS + epochs * per_epoch


MIN_ETA_BATCHES = 3


def seconds_left(epoch_seconds, epochs, epoch, batch, steps, epoch_elapsed):
    """Time left of a training, from what this run measured so far.

    After the first epoch: the mean epoch duration (validation included) times what is left. During
    the first: this epoch's pace per batch, with validation guessed at 15 % of an epoch, once
    MIN_ETA_BATCHES are done (the first batch also traces the model: alone it overstates 10-20x)."""
    if not epoch_seconds and batch < min(MIN_ETA_BATCHES, steps):
        return None
    if epoch_seconds:
        per_epoch = sum(epoch_seconds) / len(epoch_seconds)
    else:
        per_epoch = epoch_elapsed / batch * steps * VALIDATION_OVERHEAD
    return max(0.0, per_epoch * (epochs - epoch + 1) - epoch_elapsed)


def fraction_done(status) -> float:
    """How much of a run is done, from status.json's epoch/epochs and batch/steps."""
    epoch, epochs, steps = status.get("epoch") or 0, status.get("epochs") or 1, status.get("steps") or 1
    if not epoch:
        return 0.0
    return min(1.0, ((epoch - 1) + min(status.get("batch") or 0, steps) / steps) / epochs)


def remaining_seconds(status, rows, now) -> float | None:
    """seconds_left for a run read from its folder (status.json's epoch, batch and steps, the
    epochs' measured seconds): the current epoch's elapsed time is the share of its batches done
    (after an epoch) or the time since the start (during the first); None when nothing is known."""
    epoch, steps = status.get("epoch") or 0, status.get("steps") or 1
    batch = min(status.get("batch") or 0, steps)
    if not epoch:
        return None
    seconds = [r.get("seconds") or 0 for r in rows]
    if seconds:
        elapsed = sum(seconds) / len(seconds) * batch / steps
    elif status.get("started"):
        elapsed = now - status["started"]
    else:
        return None
    return seconds_left(seconds, status.get("epochs") or 1, epoch, batch, steps, elapsed)


def time_left(status, rows, now, expected_seconds=None) -> float | None:
    """What a page or the queue shows as a running training's time left: the trainer's own ETA when
    it wrote one, else remaining_seconds, else the estimate made before it started, less the time
    since it started (None when there is none)."""
    left = status.get("eta_seconds")
    if isinstance(left, (int, float)) and not isinstance(left, bool):
        return float(left)
    left = remaining_seconds(status, rows, now)
    if left is None and expected_seconds is not None:
        left = max(0.0, expected_seconds - (now - (status.get("started") or now)))
    return left
