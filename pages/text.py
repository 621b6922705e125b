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
    # Class names (data and model outputs keep the English names; this is only what is shown)
    "class.cloudy": "cloudy",
    "class.rain": "rain",
    "class.shine": "shine",
    "class.sunrise": "sunrise",
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
    "dataset.col.total": "total",
    "dataset.col.file": "file",
    "dataset.col.reason": "reason",
    "dataset.col.group": "group",
    "dataset.col.split": "split",
    "dataset.col.train": "train",
    "dataset.col.val": "val",
    "dataset.col.test": "test",
    "dataset.balance.few": "fewer than two classes",
    "dataset.balance.empty": "class {cls} has no photos",
    "dataset.balance.rough": "roughly balanced",
    "dataset.balance.mild": "mildly imbalanced: look at per-class recall, not accuracy alone",
    "dataset.balance.strong": "strongly imbalanced: accuracy is misleading; consider class weights",
    "dataset.skip.hidden": "hidden or system file",
    "dataset.skip.folder": "folder (only the photos directly in the source folder are sorted)",
    "dataset.skip.not_file": "not a regular file",
    "dataset.skip.not_image": "not an image file ({ext})",
    "dataset.skip.no_extension": "no extension",
    "dataset.skip.no_class": "no class word ({classes}) in the name",
    "dataset.skip.two_classes": "name matches more than one class ({classes})",
    "dataset.skip.unreadable": "unreadable image: {error}",
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
    "models.col.name": "name",
    "models.col.type": "type",
    "models.col.output_shape": "output_shape",
    "models.col.params": "params",
    "models.name.model_1": "Model 1: simple CNN",
    "models.name.model_2": "Model 2: deeper CNN (softmax output, corrected)",
    "models.name.model_2_seed": "Model 2 as the report wrote it (ReLU output)",
    "models.name.model_3": "Model 3: BatchNorm + Dropout + global average pooling",
    "models.name.model_3_seed": "Model 3 with Keras' default BatchNorm momentum",
    "models.result.model_1": "~87-90 % val accuracy (10-30 epochs, batch 16/128)",
    "models.result.model_2": "91.25 % on 160 val images (50 epochs)",
    "models.result.model_2_seed": "91.25 % on 160 val images (50 epochs)",
    "models.result.model_3": "88.75 %, then 98.12 % with ReduceLROnPlateau (on the validation set)",
    "models.result.model_3_seed": "validation accuracy jumped around (see report)",
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
    # Why this class? (Classify and Errors)
    "why.title": "**Why this class?** Show the heat map and feature maps",
    "why.class": "Heat map for the class",
    "why.predicted": "{cls} (predicted)",
    "why.overlay": "Grad-CAM for {cls}: red is where the evidence lies",
    "why.how_to_read": (
        "**Grad-CAM** asks the last convolution layer which places in the photo raised the score of "
        "the chosen class: red is strong evidence, blue none. Pick another class to see what would "
        "have argued for it. Below: what one convolution layer sees. Each small picture is one "
        "filter's output (bright = strongly active); early layers react to colours and edges, later "
        "ones to coarser patterns at lower resolution."
    ),
    "why.layer": "Feature maps of the convolution layer",
    "why.maps": "The first {n} feature maps of {layer} ({size}×{size} pixels each).",
    "why.working": "Computing the heat map…",
    "why.failed": "Could not explain this photo: {message}",
    # Errors
    "nav.errors": "7 Errors",
    "errors.title": "7 Errors: what does the model get wrong?",
    "errors.intro": "Every photo of the untouched test split was classified once at the end of "
                    "training. Pick a cell of the confusion matrix (click it, or choose it below) to "
                    "see its photos, the most confident first, with where the model looked.",
    "errors.pick_run": "Finished run",
    "errors.no_run": "No finished run with a test score yet. Train one on the Train page (the "
                     "dataset needs a test split).",
    "errors.no_report": "This run has no test score: its dataset had no test split.",
    "errors.no_predictions": "This run's test report lists no single predictions (it was scored by "
                             "an older version). Train it again to explore its errors.",
    "errors.accuracy": "Test accuracy {acc} on {n} photos.",
    "errors.teach": (
        "**Find the confusions yourself.** Which cell off the diagonal holds the most photos? "
        "Sunrise and shine both show a bright sun, cloudy and rain both a grey sky: does the model "
        "mix them up? Open such a cell and look at the heat maps. Does the model look at the sun, "
        "the horizon, the clouds, or at something that has nothing to do with the weather (a "
        "building, a border, a watermark)? Switch the heat map to the true class: what would have "
        "argued for the right answer? Then ask what data or setting could fix it."
    ),
    "errors.pick_cell": "Cell (true → predicted)",
    "errors.cell": "{true} → {predicted} · photos: {n}",
    "errors.cell_correct": "{true} → {predicted} (correct) · photos: {n}",
    "errors.empty_cell": "That cell is empty: no photo.",
    "errors.explain": "Heat map for",
    "errors.explain_predicted": "the predicted class ({cls})",
    "errors.explain_true": "the true class ({cls})",
    "errors.showing": "Photos {shown} of {n}, the most confident prediction first.",
    "errors.photo": "{file}: {predicted} {p:.0%} (true {true}: {true_p:.0%})",
    "errors.missing": "{file}: the photo is no longer in the dataset folder.",
    # Lesson links
    "lesson.ignored": "{name}=`{value}` is not valid and was ignored",
    "lesson.clamped": "{name}=`{value}` is out of range, {used} is used",
    "lesson.notes": "The link's settings: {notes}.",
    "lesson.share": "Share these settings",
    "lesson.share_help": "Append this to the dashboard's address (e.g. `http://server:8501`) and "
                         "send it to the class: the page opens with exactly these settings.",
    # Ablation
    "ablation.title": "Ablation: change one thing",
    "ablation.intro": "An honest experiment changes **one** setting and keeps everything else, the "
                      "seed included. Pick the setting; two runs are queued with the form's settings "
                      "above, differing only in that one.",
    "ablation.setting": "Setting to vary",
    "ablation.vary.augment": "Augmentation on / off",
    "ablation.vary.reduce_lr": "ReduceLROnPlateau on / off",
    "ablation.vary.batch_size": "Batch 16 / 128",
    "ablation.on": "on",
    "ablation.off": "off",
    "ablation.will_queue": "Queues two runs: {a} and {b}.",
    "ablation.batch_note": "The report compared batch 128 with 16, but Keras ignores `batch_size` "
                           "when `fit()` gets a generator: both of its runs used batches of 32. Here "
                           "the batch size really changes.",
    "ablation.queue": "Queue the pair",
    "ablation.row": "`{run}`: {setting} · {state}, epochs {done} · best validation {best} · test {test}",
    "ablation.compare": "Compare the pair",
    # Run actions: take it home, resume, discard
    "export.title": "Take it home",
    "export.intro": "One zip per run: the Keras model, a TFLite version for phones, the labels, "
                    "settings, metrics as CSV and a model card.",
    "export.prepare": "Prepare a zip",
    "export.help": "Converting to TFLite takes a few seconds.",
    "export.working": "Packing the run (Keras and TFLite)…",
    "export.download": "Download the zip ({size:.1f} MB)",
    "export.failed": "Could not pack this run: {message}",
    "stopped.what_now": "{done} of {epochs} epochs were saved. Resume continues from the last saved "
                        "epoch; Discard deletes the run's folder.",
    "stopped.resume": "Resume",
    "stopped.confirm": "Yes, delete run {run} and its files",
    "stopped.discard": "Discard",
    "stopped.discarded": "Run {run} was deleted.",
    "compare.unknown_runs": "The link names runs that are not here: {runs}",
    "chart.best": "best epoch",
    "chart.cell_hover": "true %{y} → predicted %{x}: click to see the photos",
    # Durations and run states
    "time.hours": "{h} h {m} min",
    "time.minutes": "{m} min {s} s",
    "time.seconds": "{s} s",
    "state.queued": "queued",
    "state.running": "running",
    "state.finished": "finished",
    "state.failed": "failed",
    "state.cancelled": "cancelled",
    "state.interrupted": "interrupted",
    "state.damaged": "damaged",
    "split.train": "train",
    "split.val": "val",
    "split.test": "test",
    "home.step.errors.title": "{n} Errors",
    "home.step.errors.text": "Open the test photos a model got wrong, with heat maps of what it looked at.",
    "home.flaw.batch": "`fit(generator, batch_size=128)`: Keras ignores `batch_size` for a generator, "
                       "so the \"batch 128\" and \"batch 16\" runs both trained on batches of 32 "
                       "(its logs show 25 steps per epoch: 786 / 32).",
    "home.flaw.bn": "Model 3's validation accuracy \"jumps around\" because BatchNorm's moving "
                    "averages (momentum 0.99) lag far behind with only ~25 steps per epoch.",
}
