"""Benchmark: the seed report's ImageDataGenerator against weather_core's tf.data pipeline.

One process, the same prepared training photos, the same model (model_1 at 250x250 by default,
Adam + categorical cross-entropy + accuracy, a fresh model from the same seed per variant, in the
dtype policy weather_core's training uses here: bfloat16 on CPUs with native bf16 instructions):

  seed          keras' legacy ImageDataGenerator(rescale, shear, zoom, flip, shifts, rotation,
                brightness).flow_from_directory(train_dir, ...) passed straight to model.fit,
                as the report does (Keras reads it with its defaults: one background thread)
  seed, float32 the same in float32: the report's code exactly as it ran (only when our
                policy is not float32 already)
  ours + aug    pipeline.load_split (photos decoded once into the on-disk cache, measured warm)
                + pipeline.make_dataset(shuffle=True, augmenter=augment_layers.build_augmenter(seed))
  ours, no aug  the same with augmenter=None
  model alone   one batch repeated: no input pipeline, the best any pipeline could reach

For each it reports training throughput (images/s over --steps steps after --warmup steps,
timed per batch by a callback, input pipeline included), the CPU time per image (steadier than
images/s when other processes share the CPU), and the same for the input pipeline alone (the
same number of batches drawn without training). Also the one-off cache fill time and peak RSS.
Targets: ours/seed >= 1.5x; augmentation overhead (no-aug rate / aug rate - 1) < 15 %. Two
ratios are printed: against the report's code as it ran (float32), and against the seed given
our dtype policy too (the input pipelines alone; bounded by "model alone / seed").

Data: --images-dir (default ../shared/datasets/mwd, the real photos) is prepared with
weather_core.data.prepare into --work-dir; without it the demo generator provides the photos.
Figures are noisy when other processes use the CPU: check `uptime`, or pass --rounds 3.

Run:  make bench        (= .venv/bin/python -m scripts.bench_pipeline)
      .venv/bin/python -m scripts.bench_pipeline --steps 5 --warmup 2 --json-out bench_out/p.json
"""

import argparse
import json
import math
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads

from weather_core import CLASSES, data, settings  # noqa: E402
from weather_core.data import demo
from weather_core.models import pipeline
from weather_core.data.images import DecodeCache  # noqa: E402

SEED = 123
REAL_PHOTOS = settings.shared_photos()
VARIANTS = {"seed_float32": "seed, float32 (as the report ran)", "seed": "seed ImageDataGenerator",
            "ours_aug": "ours + augmentation",
            "ours_noaug": "ours, no augmentation", "model_only": "model alone (1 batch, repeated)"}
SEED_GENERATOR_ARGS = dict(rescale=1.0 / 255, shear_range=0.2, zoom_range=0.2,
                           horizontal_flip=True, width_shift_range=0.2, height_shift_range=0.2,
                           rotation_range=20, brightness_range=[0.5, 1.5])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images-dir", help=f"photos (default {REAL_PHOTOS}, else the demo)")
    parser.add_argument("--work-dir", default=str(ROOT / "bench_out" / "pipeline"))
    parser.add_argument("--steps", type=int, default=15, help="training steps timed per variant")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first (tracing etc.)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--image-size", type=int, default=250)
    parser.add_argument("--model", default="model_1")
    parser.add_argument("--precision", default="auto", help="Keras dtype policy for every "
                        "variant; auto = what weather_core.training picks on this machine")
    parser.add_argument("--rounds", type=int, default=1, help="repeat training runs, keep best")
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    return parser.parse_args()


def prepare_train_dir(args, work: Path) -> Path:
    """The train split of the prepared photos (prepared again only when the source changed)."""
    src = Path(args.images_dir) if args.images_dir else REAL_PHOTOS
    if not src.exists():
        needed = (args.warmup + args.steps + 1) * args.batch_size  # train is 70 % of each class
        src = work / "demo-raw"
        demo.generate(src, per_class=math.ceil(needed / len(CLASSES) / 0.7) + 2)
        print(f"no real photos found: using demo pictures ({needed}+ for training)")
    out = work / "prepared"
    summary = data.load_summary(out)
    if not summary or summary["source"] != str(src.resolve()):
        start = time.perf_counter()
        data.prepare(src, out)
        print(f"prepared {src} in {time.perf_counter() - start:.1f} s")
    return data.split_dirs(out)["train"]


def load_split_twice(train_dir, args, work: Path):
    """Our split from an empty cache of its own (the one-off fill), then again warm, timed."""
    cache_dir, seconds = work / "cache-cold", []
    shutil.rmtree(cache_dir, ignore_errors=True)
    for _ in range(2):
        start = time.perf_counter()
        split = pipeline.load_split(train_dir, args.image_size, cache=DecodeCache(cache_dir))
        seconds.append(time.perf_counter() - start)
    full_batches = len(split) // args.batch_size  # a last, partial batch would retrace the model
    if args.warmup + args.steps > full_batches:
        args.steps = full_batches - args.warmup
        print(f"only {full_batches} full batches per epoch: timing {args.steps} steps")
    if args.warmup < 1 or args.steps < 1:
        sys.exit("need --warmup >= 1 and at least one timed step")
    return split, dict(cache_fill_s=seconds[0], warm_load_s=seconds[1], train_images=len(split))


def seed_generator(train_dir, args):
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    return ImageDataGenerator(**SEED_GENERATOR_ARGS).flow_from_directory(
        train_dir, target_size=(args.image_size, args.image_size), batch_size=args.batch_size,
        class_mode="categorical", shuffle=True, seed=SEED)


def our_dataset(split, args, augment: bool):
    from weather_core.models.augment_layers import build_augmenter

    augmenter = build_augmenter(seed=SEED) if augment else None
    return pipeline.make_dataset(split, args.image_size, args.batch_size, len(CLASSES),
                                 shuffle=True, seed=SEED, augmenter=augmenter)


def one_batch_repeated(split, args):
    import tensorflow as tf

    return tf.data.Dataset.from_tensors(next(iter(our_dataset(split, args, False)))).repeat()


def clocks():
    return time.perf_counter(), time.process_time()  # wall time; CPU time of all our threads


def rates(start, end, args):
    """(images/s, CPU ms per image) between two clocks() readings `steps` batches apart."""
    images = args.steps * args.batch_size
    return images / (end[0] - start[0]), 1000 * (end[1] - start[1]) / images


def pipeline_rate(batches, args):
    """The input pipeline alone: `steps` batches drawn after `warmup` batches."""
    batches = iter(batches)
    for _ in range(args.warmup):
        next(batches)
    start = clocks()
    for _ in range(args.steps):
        next(batches)
    return rates(start, clocks(), args)


def training_rate(make_input, args, precision):
    """model.fit on a fresh model, timed from the end of warm-up to the end of the last step."""
    import keras

    from weather_core import models

    class BatchClock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            float(logs["loss"])  # waits for the step to finish
            times.append(clocks())

    keras.backend.clear_session()  # this also resets the dtype policy: set it again
    keras.mixed_precision.set_global_policy(precision)
    keras.utils.set_random_seed(SEED)
    model = models.build(args.model, args.image_size, len(CLASSES))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    times = []
    model.fit(make_input(), epochs=1, steps_per_epoch=args.warmup + args.steps, verbose=0,
              callbacks=[BatchClock()])
    return rates(times[args.warmup - 1], times[-1], args)


def report(f, args):
    print(f"\n{args.model} ({args.precision}) at {args.image_size}px, batch {args.batch_size}, "
          f"{args.steps} timed steps after {args.warmup} warm-up, {f['train_images']} photos")
    print(f"{'':<32}{'---- training ----':>22}{'-- pipeline alone --':>24}")
    print(f"{'variant':<32}{'img/s':>10}{'CPU ms/img':>12}{'img/s':>12}{'CPU ms/img':>12}")
    for key, title in VARIANTS.items():
        if key not in f["train"]:
            continue
        alone = "".join(f"{v:>12.1f}" for v in f["input_only"].get(key, ()))
        print(f"{title:<32}{f['train'][key][0]:>10.1f}{f['train'][key][1]:>12.1f}{alone}")
    rate = {key: value[0] for key, value in f["train"].items()}
    cpu = {key: value[1] for key, value in f["train"].items()}
    alone = {key: value[0] for key, value in f["input_only"].items()}
    f.update(speedup=rate["ours_aug"] / rate["seed"], ceiling=rate["model_only"] / rate["seed"],
             aug_overhead=rate["ours_noaug"] / rate["ours_aug"] - 1,
             cpu_speedup=cpu["seed"] / cpu["ours_aug"],
             cpu_aug_overhead=cpu["ours_aug"] / cpu["ours_noaug"] - 1,
             input_speedup=alone["ours_aug"] / alone["seed"],
             input_aug_overhead=alone["ours_noaug"] / alone["ours_aug"] - 1)
    print(f"\ncache fill (one-off, cold): {f['cache_fill_s']:.1f} s; "
          f"load_split with a warm cache: {f['warm_load_s']:.2f} s")
    print(f"pipelines alone: ours + aug / seed = {f['input_speedup']:.2f}x; augmentation "
          f"makes ours {f['input_aug_overhead'] + 1:.0f}x slower than without")
    print(f"best any input pipeline could do here: model alone / seed = {f['ceiling']:.2f}x")
    print(f"by CPU time per image: seed / ours = {f['cpu_speedup']:.2f}x, "
          f"augmentation adds {f['cpu_aug_overhead']:+.0%}")
    print(f"peak RSS of this process (all variants) {f['peak_rss_mib']:.0f} MiB; load average "
          f"at start / end {f['load_start']:.2f} / {f['load_end']:.2f} (2 cores: >1.5 = noisy)")
    if "seed_float32" in rate:
        f["speedup_vs_report"] = rate["ours_aug"] / rate["seed_float32"]
        print(f"{'PASS' if f['speedup_vs_report'] >= 1.5 else 'MISS'}  ours ({args.precision}) / "
              f"the report's code (float32): {f['speedup_vs_report']:.2f}x (target >= 1.5x)")
    if max(rate.values()) > 1.1 * rate["model_only"]:  # the model alone is the upper bound
        print("WARNING: a variant beat the model alone: other processes disturbed the timings")
    print(f"{'PASS' if f['speedup'] >= 1.5 else 'MISS'}  ours / seed, both {args.precision} "
          f"(input pipelines only): {f['speedup']:.2f}x (target >= 1.5x)")
    print(f"{'PASS' if f['aug_overhead'] < 0.15 else 'MISS'}  augmentation overhead "
          f"{f['aug_overhead']:+.1%} (target < 15 %)")


def main():
    args = parse_args()
    if args.precision == "auto":
        from weather_core.models.device import setup_device

        args.precision = setup_device()[1]["precision"]
    work = Path(args.work_dir)
    os.environ.setdefault("WEATHER_CACHE_DIR", str(work / "cache"))  # prepare()'s cache
    figures = {"load_start": os.getloadavg()[0]}
    train_dir = prepare_train_dir(args, work)
    split, loading = load_split_twice(train_dir, args, work)
    figures.update(loading)

    inputs = {"seed_float32": lambda: seed_generator(train_dir, args),
              "seed": lambda: seed_generator(train_dir, args),
              "ours_aug": lambda: our_dataset(split, args, augment=True),
              "ours_noaug": lambda: our_dataset(split, args, augment=False),
              "model_only": lambda: one_batch_repeated(split, args)}
    seed = seed_generator(train_dir, args)  # indexed batch by batch, as Keras' adapter does
    figures["input_only"] = {"seed": pipeline_rate(map(seed.__getitem__, range(len(seed))), args),
                             "ours_aug": pipeline_rate(inputs["ours_aug"](), args),
                             "ours_noaug": pipeline_rate(inputs["ours_noaug"](), args)}
    if args.precision == "float32":
        del inputs["seed_float32"]
    figures["train"] = {}
    for round_ in range(args.rounds):  # interleaved; the best round is the least disturbed
        for key, make_input in inputs.items():
            precision = "float32" if key == "seed_float32" else args.precision
            rate, cpu_ms = training_rate(make_input, args, precision)
            print(f"round {round_ + 1}, {VARIANTS[key]}: {rate:.1f} images/s, "
                  f"{cpu_ms:.0f} CPU ms/image", flush=True)
            best = figures["train"].get(key, (0.0, math.inf))
            figures["train"][key] = (max(rate, best[0]), min(cpu_ms, best[1]))
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    figures.update(peak_rss_mib=peak_rss_mib, load_end=os.getloadavg()[0], args=vars(args))
    report(figures, args)
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
