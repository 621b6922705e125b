"""What a finished run is used for: classifying photos (inference), explaining a prediction with
Grad-CAM and feature maps (explain) and exporting the model (export). Imports models, data, runs
and the base; never training or jobs."""
