"""The report's facts, written once: its input size, its models' parameter counts and its results.
The tests, the Models and Compare pages and the model registry read them from here."""

# The report's text says 256, but its summary tables only add up at 250x250x3.
IMAGE_SIZE = 250

# (total, non-trainable) parameters of each registered model at IMAGE_SIZE, from the report's tables.
PARAMS = {
    "model_1": (14_803_780, 0),
    "model_2": (10_648_772, 0),
    "model_2_report": (10_648_772, 0),
    "model_3": (1_375_396, 1_920),
    "model_3_report": (1_375_396, 1_920),
}

# What the report says each model scored (English; the pages show locales' models.result.<name>).
RESULTS = {
    "model_1": "~87-90 % val accuracy (10-30 epochs, batch 16/128)",
    "model_2": "91.25 % on 160 val images (50 epochs)",
    "model_2_report": "91.25 % on 160 val images (50 epochs)",
    "model_3": "88.75 %, then 98.12 % with ReduceLROnPlateau (on the validation set)",
    "model_3_report": "validation accuracy jumped around (see report)",
}

# The report's figures, all measured on the validation set that also drove ReduceLROnPlateau:
# (name, as reported, value for a reference line, the registry models it describes).
SCORES = [
    ("Model 1", "~87-90 %", 0.885, ("model_1",)),
    ("Model 2", "91.25 %", 0.9125, ("model_2", "model_2_report")),
    ("Model 3", "88.75 %", 0.8875, ("model_3", "model_3_report")),
    ("Model 3 + ReduceLROnPlateau", "98.12 %", 0.9812, ("model_3", "model_3_report")),
]
