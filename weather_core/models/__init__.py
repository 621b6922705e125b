"""Models and what feeds them: the registry of builders (registry), the report's facts (report),
augmentation layers (augment), the tf.data input pipeline (pipeline) and device set-up (device).
Imports only data, runs (the settings table) and the base."""

from .registry import (DEFAULT_IMAGE_SIZE, MODEL_ALIASES, MODELS, ModelInfo, build, canonical,
                       fresh_names, layer_table, summary)

__all__ = ["DEFAULT_IMAGE_SIZE", "MODEL_ALIASES", "MODELS", "ModelInfo", "build", "canonical",
           "fresh_names", "layer_table", "summary",
           # public modules, imported where used (importing them here would slow every page)
           "augment", "augment_layers", "device", "pipeline", "report"]
