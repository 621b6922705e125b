"""What a saved model is used for: classifying photos (inference), scoring a split (evaluation),
explaining a prediction with Grad-CAM and feature maps (explain), exporting it (export). Imports
models, data, runs and the base; never training or jobs."""

# public modules, imported where used (importing them here would slow every page)
__all__ = ["evaluation", "explain", "export", "inference"]
