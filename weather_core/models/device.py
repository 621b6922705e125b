"""Where a training runs: GPUs with memory growth, mixed precision where the hardware pays for it,
several GPUs mirrored; what config.json records as the device."""

import os
import platform
from pathlib import Path

from .. import settings


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

    threads = settings.trainer_threads()
    if threads:  # what Ray reserved for this training (ray_backend.cpus_per_training)
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(2, threads))
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
              "replicas": strategy.num_replicas_in_sync, "cpu_count": os.cpu_count(), "threads": threads,
              "machine": platform.machine(), "platform": platform.platform()}
    return strategy, device
