"""How long a training run takes on the 2-core CPU, before it starts (measured throughputs) and while it
runs (status.json and the epochs so far)."""

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


def fraction_done(status) -> float:
    """How much of a run is done, from status.json's epoch/epochs and batch/steps."""
    epoch, epochs, steps = status.get("epoch") or 0, status.get("epochs") or 1, status.get("steps") or 1
    if not epoch:
        return 0.0
    return min(1.0, ((epoch - 1) + min(status.get("batch") or 0, steps) / steps) / epochs)


def remaining_seconds(status, rows, now) -> float | None:
    """Training time left: the mean epoch so far times the epochs left (or extrapolated from the
    start time before the first epoch ended); None when nothing is known yet."""
    done, epochs = fraction_done(status), status.get("epochs") or 1
    if rows:
        return epochs * (1 - done) * sum(r.get("seconds") or 0 for r in rows) / len(rows)
    if done and status.get("started"):
        return (now - status["started"]) * (1 - done) / done
    return None

