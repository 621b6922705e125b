"""Every user-visible string of the dashboard, by key (a Korean table can sit beside EN later)."""

EN = {
    # App and navigation
    "app.title": "Weather CNN Classroom",
    "nav.home": "Home",
    "nav.dataset": "1 Dataset",
    "nav.augmentation": "2 Augmentation",
    "nav.models": "3 Models",
    "nav.train": "4 Train",
    "nav.compare": "5 Compare",
    "nav.classify": "6 Classify",
    "error.generic": "{message}",
    # Sidebar
    "sidebar.dataset": "Active dataset",
    "sidebar.demo": "Demo (generated sky pictures)",
    "sidebar.not_generated": "Not generated yet: it is made on first use (a few seconds).",
    "sidebar.counts": "Split: {counts}",
    "sidebar.classes": "Classes: {classes}",
    # Home
    "home.title": ":material/partly_cloudy_day: Weather CNN Classroom",
    "home.intro": (
        "A student classified weather photos (**cloudy, rain, shine, sunrise**) with three Keras "
        "CNNs and reported up to **98 %** accuracy. This dashboard walks through the report step "
        "by step, redoes every step for real, and shows where the report went wrong."
    ),
    "home.steps": "The walkthrough",
    "home.step.dataset.title": "{n} Dataset",
    "home.step.dataset.text": "Sort photos into classes by file name, split them into train, "
                              "validation and **test**, and check the data's health.",
    "home.step.augmentation.title": "{n} Augmentation",
    "home.step.augmentation.text": "See what the report's ImageDataGenerator settings do to a photo, "
                                   "and the Keras layers that do the same today.",
    "home.step.models.title": "{n} Models",
    "home.step.models.text": "The three CNNs layer by layer, checked against the report's own "
                             "parameter counts.",
    "home.step.train.title": "{n} Train",
    "home.step.train.text": "Train a model in the background, watch its curves live, and score it "
                            "on the untouched test split.",
    "home.step.compare.title": "{n} Compare",
    "home.step.compare.text": "Overlay several runs and set them beside the report's numbers.",
    "home.step.classify.title": "{n} Classify",
    "home.step.classify.text": "Upload your own photos and let a trained model name the weather.",
    "home.flaws": "What the report gets wrong (and this dashboard teaches)",
    "home.flaw.test_is_val": "Its **test set is the validation set**, the same images that also "
                             "drove ReduceLROnPlateau: the 98.12 % is not a test score.",
    "home.flaw.steps": "`evaluate(..., steps=5)` scored only **160 of 339** images.",
    "home.flaw.relu": "Model 2 ends in `Dense(4, activation='relu')` under a softmax loss.",
    "home.flaw.matching": "Classes come from a case-sensitive substring test on file names: "
                          "`rainbow_shine.jpg` would land in two classes.",
    "home.flaw.256": "The text says 256×256 images, but the summary tables only add up at **250×250**.",
    "home.flaw.shear": "`shear_range=0.2` is 0.2 **degrees**, a shear nobody can see.",
    "home.demo_note": "Without any upload the dashboard uses a generated demo dataset, so every page "
                      "works offline. Pick another dataset in the sidebar or on the Dataset page.",
    # Dataset
    "dataset.title": "1 Dataset: sort, split, check",
    "dataset.intro": (
        "The real dataset is one flat folder of photos named like `cloudy12.jpg`. The report sorts "
        "them into class folders by the class word in each name, then splits each class 7:3 with "
        "split-folders (`seed=123`). Here every class word is matched case-insensitively, and a name "
        "with two class words is skipped and listed, not copied twice."
    ),
    "dataset.source": "Source",
    "dataset.source.demo": "Demo photos",
    "dataset.source.folder": "Folder on the server",
    "dataset.source.zip": "Upload a .zip",
    "dataset.folder": "Folder path",
    "dataset.folder_help": "Allowed: folders inside {roots}",
    "dataset.zip": "A .zip of photos named like cloudy12.jpg",
    "dataset.no_folder": "Enter a folder path first.",
    "dataset.folder_refused": "That folder is not allowed. Use a folder inside: {roots}",
    "dataset.no_zip": "Upload a .zip file first.",
    "dataset.ratio": "Split ratio",
    "dataset.ratio.default": "train 0.7 / val 0.15 / test 0.15 (recommended)",
    "dataset.ratio.report": "7:3 as in the report (no test split)",
    "dataset.ratio.custom": "custom",
    "dataset.ratio.train": "train",
    "dataset.ratio.val": "validation",
    "dataset.ratio.test": "test (0 = none)",
    "dataset.seed": "Seed",
    "dataset.run": "Sort and split",
    "dataset.preparing": "Sorting, decoding and splitting the photos…",
    "dataset.generating_demo": "Generating the demo photos (first use only)…",
    "dataset.prepared": "Sorted and split {n} photos into {name}; it is now the active dataset.",
    "dataset.active": "Active dataset: {name}",
    "dataset.summary_line": "Source {source} · ratio {ratio} · seed {seed}",
    "dataset.split_counts": "**Photos per split and class**",
    "dataset.no_test_split": "No test split: every score will be measured on images that steered "
                             "training, as in the report.",
    "dataset.why_test": (
        "**Why a separate test split?** The report split 7:3 into train and validation only, then "
        "called the validation set its test set. Those images had already steered training: "
        "ReduceLROnPlateau cut the learning rate whenever *their* accuracy stalled, so a score on "
        "them is optimistic. And `model.evaluate(test, steps=5)` with batch size 32 scored only "
        "5 × 32 = 160 of the 339 images. With 0.7 / 0.15 / 0.15 the test split is never seen during "
        "training, and the Train page scores every one of its images once, at the end."
    ),
    "dataset.thumbnails": "A few photos per class",
    "dataset.skipped": "Skipped files ({n})",
    "dataset.health": "Health report",
    "dataset.imbalance": "Largest / smallest class",
    "dataset.formats": "Formats",
    "dataset.modes": "Colour modes",
    "dataset.sizes": (
        "Widths {w[min]}–{w[max]} px (median {w[median]}), heights {h[min]}–{h[max]} px "
        "(median {h[median]}). Smallest: `{small[file]}` {small[size]}, largest: `{large[file]}` "
        "{large[size]}. Every photo is resized to a square, so shapes get squashed."
    ),
    "dataset.mismatched_extension": "{n} files whose content is not what their extension says "
                                    "(they are still read correctly):",
    "dataset.animated": "{n} animated files (only the first frame is used):",
    "dataset.unreadable": "{n} unreadable files (left out of training):",
    "dataset.duplicates": "Exact duplicates: **{n}** groups of byte-identical photos.",
    "dataset.leaks": "{n} duplicate photos sit in different splits: the model is tested on "
                     "pictures it trained on (leakage), which inflates the score.",
    "dataset.no_leaks": "No duplicate crosses a split boundary.",
    # Augmentation
    "augment.title": "2 Augmentation: more variety from the same photos",
    "augment.intro": (
        "The report trains on randomly sheared, zoomed, flipped, shifted, rotated and brightened "
        "copies of each training photo (Keras' old `ImageDataGenerator`). Move the sliders to see "
        "what each setting does; the defaults are the report's."
    ),
    "augment.upload": "Upload a photo (optional)",
    "augment.pick": "…or pick a training photo",
    "augment.no_train_images": "The active dataset has no training photos; upload one instead.",
    "augment.shear": "Shear (degrees)",
    "augment.zoom": "Zoom (± fraction)",
    "augment.rotation": "Rotation (± degrees)",
    "augment.width_shift": "Width shift (± fraction)",
    "augment.height_shift": "Height shift (± fraction)",
    "augment.brightness": "Brightness factor range",
    "augment.flip": "Horizontal flip",
    "augment.reroll": ":material/casino: Re-roll",
    "augment.working": "Augmenting (the first time loads TensorFlow)…",
    "augment.original": "Original: {name}",
    "augment.grid": "**{n} random versions** (seed {seed}): what the model sees in one epoch each.",
    "augment.layers": "The Keras layers that do it",
    "augment.teach_shear": (
        "**Shear is in degrees.** `ImageDataGenerator(shear_range=0.2)` means a shear angle of up to "
        "0.2 **degrees**: invisible. Keras 3's `RandomShear` takes a factor (the tangent of the "
        "angle), so the faithful translation is `tan(0.2°) ≈ 0.0035`; writing `RandomShear(0.2)` "
        "would shear by about 11°, 57 times more."
    ),
    "augment.teach_brightness": (
        "**Brightness multiplies.** `brightness_range=[0.5, 1.5]` multiplies every pixel by one "
        "random factor. Keras' `RandomBrightness` *adds* an offset instead, which moves dark and "
        "bright pixels by the same amount. The dashboard uses a small layer that multiplies."
    ),
    "augment.teach_train_only": "Only the training split is augmented; validation and test photos "
                                "are only resized and rescaled by 1/255.",
    # Models
    "models.title": "3 Models: three CNNs, layer by layer",
    "models.intro": "Each model is rebuilt from the report's code. At 250×250 its summary must match "
                    "the report's table exactly.",
    "models.pick": "Model",
    "models.size": "Image size (pixels)",
    "models.building": "Building the model (the first time loads TensorFlow)…",
    "models.report_result": "Reported result: {result}",
    "models.total": "Total parameters",
    "models.trainable": "Trainable",
    "models.non_trainable": "Non-trainable",
    "models.report_numbers": "The report's table: **{total:,}** parameters, **{non:,}** "
                             "non-trainable (at 250×250).",
    "models.match": "Matches the report exactly.",
    "models.mismatch": "Does not match the report's table.",
    "models.other_size": "At {size}×{size} the counts differ from the report's, which are for "
                         "250×250: dense layers after Flatten grow with the image.",
    "models.shapes_text": "Each MaxPooling halves the picture while convolutions add channels: "
                          "the network trades *where* for *what*.",
    "models.note_256": "**256 or 250?** The report's text says 256×256, but at 256 this model would "
                       "have **{at_256:,}** parameters; its tables show **{at_250:,}**, the count at 250.",
    "models.note_256_same": "**256 or 250?** This model ends in global average pooling, so its "
                            "parameter count is the same at any image size: its table cannot tell "
                            "250 from 256. Models 1 and 2 can: their tables only add up at 250.",
    "models.relu_title": "Model 2's output layer",
    "models.relu_text": (
        "The report ends Model 2 with a **ReLU** under a softmax loss. ReLU outputs are not "
        "probabilities: e.g. `{outputs}`. Keras' categorical cross-entropy divides them by their "
        "sum, `{shares}`, so a class whose unit outputs 0 gets probability 0 and a huge loss, and "
        "a ReLU stuck at 0 passes no gradient, so it never recovers. Training often stalls. The "
        "corrected `model_2` ends in softmax; `model_2_seed` keeps the report's version."
    ),
    "models.relu_fixed": "This is the corrected model: its last layer is Dense(4, softmax).",
    # Train
    "train.title": "4 Train: watch a model learn",
    "train.intro": "Training runs in the background: you can leave this page and come back. "
                   "One training runs at a time; others wait in a queue.",
    "train.model": "Model",
    "train.epochs": "Epochs",
    "train.batch_size": "Batch size",
    "train.image_size": "Image size",
    "train.learning_rate": "Learning rate (Adam)",
    "train.seed": "Seed",
    "train.augment": "Augmentation",
    "train.reduce_lr": "ReduceLROnPlateau",
    "train.reduce_lr_help": "The report's callback: learning rate × 0.1 when validation accuracy "
                            "has not improved for 5 epochs (cooldown 3).",
    "train.too_small": "{model} needs images of at least {size} pixels.",
    "train.estimate": "Estimated time on a 2-core CPU: about **{time}** ({n} training images per "
                      "epoch at ~{speed} images/s, +15 % for validation). A GPU is much faster.",
    "train.start": "Start training",
    "train.will_queue": "Another training is running ({n}); yours waits in the queue.",
    "train.run": "Run {run} ({model})",
    "train.queued": "Waiting in the queue for another training to finish "
                    "({position} other queued runs ahead).",
    "train.loading": "Loading and decoding the photos…",
    "train.progress": "Epoch {epoch}/{epochs}, batch {batch}/{steps} · about {eta} left",
    "train.cancel": "Cancel",
    "train.cancel_pending": "Cancelling: the run stops at the end of the current epoch.",
    "train.finished": "Finished after {epochs} epochs.",
    "train.cancelled": "Cancelled. {error}",
    "train.failed": "This run is {state}: {error}",
    "train.log": "The run's log (last lines)",
    "train.no_log": "(no log was written)",
    "train.no_error": "no error message was recorded",
    "train.test_accuracy": "Test accuracy",
    "train.best_val": "Best validation accuracy",
    "train.time": "Training time",
    "train.honest": "The test split never influenced training; the validation accuracy picked the "
                    "best epoch and drove ReduceLROnPlateau, so it is the optimistic number.",
    "train.no_test": "This dataset has no test split, so the only score is the validation accuracy, "
                     "which steered training: the report's mistake. Re-split with a test part on "
                     "the Dataset page.",
    "train.no_run": "No training yet in this session. Earlier runs are on the Compare page.",
    # Charts
    "chart.epoch": "epoch",
    "chart.train": "train",
    "chart.val": "validation",
    "chart.accuracy": "Accuracy",
    "chart.loss": "Loss",
    "chart.lr_drop": "lr ↓",
    "chart.confusion": "Confusion matrix on the test split ({n} photos)",
    "chart.predicted": "predicted",
    "chart.true": "true",
    "chart.per_class": "Photos per class",
    "chart.spatial": "feature-map width (pixels)",
    "chart.channels": "channels / units",
    "chart.shapes": "How the feature maps shrink",
    # Compare
    "compare.title": "5 Compare runs",
    "compare.intro": "Pick runs to overlay: dashed lines are training, solid lines validation. "
                     "Dotted horizontal lines are the report's figures for the same models.",
    "compare.pick": "Runs",
    "compare.no_runs": "No runs yet: train one on the Train page.",
    "compare.final": "Final scores",
    "compare.settings": "Settings that differ",
    "compare.need_two": "Pick at least two runs to see how their settings differ.",
    "compare.same_settings": "These runs have the same settings.",
    "compare.col.run": "run",
    "compare.col.model": "model",
    "compare.col.state": "state",
    "compare.col.best_val": "best validation acc.",
    "compare.col.test": "test acc.",
    "compare.col.epochs": "epochs",
    "compare.col.time": "training time",
    "compare.col.reported": "reported accuracy",
    "compare.reference": "report, {name}: {text}",
    "compare.reported": "What the report says",
    "compare.reported_note": "All of the report's figures are on the validation set, which also "
                             "drove ReduceLROnPlateau, and were scored on only 160 of its 339 images. "
                             "Compare them with validation curves, and trust the test accuracy.",
    # Classify
    "classify.title": "6 Classify your own photos",
    "classify.intro": "Upload one or several photos; a trained model says which weather it sees.",
    "classify.pick_run": "Trained run",
    "classify.no_run": "No trained model yet. Train one on the Train page, or from a terminal:",
    "classify.to_train": "Go to the Train page",
    "classify.run_info": "{model} at {size}×{size} pixels, test accuracy {acc}",
    "classify.upload": "Photos (jpg, png, gif, webp, bmp)",
    "classify.working": "Classifying…",
    "classify.bad_file": "{file}: {error}",
    "classify.result": "**{file}**: {cls} ({p:.0%})",
}
