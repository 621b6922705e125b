"""The Train page's settings form: a recipe's values (or a lesson link's) to start from, what the
recipe measured, the time estimate, and the link that shares the current settings."""

import streamlit as st

from pages.ui import formatting, i18n, lesson_links, lever_chart
from pages.ui.i18n import t
from weather_core.training import estimate

RATES = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]


def initial_values(lesson_link, recipe):
    """The form's starting values: the recipe's, overridden by the URL's valid parameters."""
    from weather_core.models import MODELS
    from weather_core.models.recipes import resolve
    from weather_core.training import DEFAULTS, LR_SCHEDULES, RANGES

    d = {**DEFAULTS, **resolve(recipe)}
    return dict(
        model=lesson_link.choice("model", list(MODELS), d["model"]),
        epochs=lesson_link.number("epochs", d["epochs"], *RANGES["epochs"]),
        batch_size=lesson_link.number("batch_size", d["batch_size"], *RANGES["batch_size"]),
        image_size=lesson_link.number("image_size", d["image_size"], *RANGES["image_size"]),
        # `lr` as in the CLI; `learning_rate` as config.json says: a link may use either.
        lr=lesson_link.number("learning_rate" if lesson_link.raw("learning_rate") else "lr",
                              d["learning_rate"], RATES[0], RATES[-1], integer=False),
        seed=lesson_link.number("seed", d["seed"], 0, 2**31 - 1),
        augment=lesson_link.flag("augment", d["augment"]),
        reduce_lr=lesson_link.flag("reduce_lr", d["reduce_lr"]),
        flip=lesson_link.flag("flip", d["flip"]),
        crop=lesson_link.flag("crop", d["crop"]), ema=lesson_link.flag("ema", d["ema"]),
        tta=lesson_link.flag("tta", d["tta"]), jitter=d["jitter"] or 0.1,
        lr_schedule=lesson_link.choice("schedule", list(LR_SCHEDULES), d["lr_schedule"]),
        label_smoothing=lesson_link.number("smoothing", d["label_smoothing"], 0.0, 0.5, integer=False),
        warmup_epochs=d["warmup_epochs"],
    )


def choose_recipe(link):
    """The recipe picker with what each recipe measured (scripts/bench_recipes.py's file)."""
    from weather_core.models import recipes

    names = list(recipes.RECIPES)
    chosen = link.choice("recipe", names, recipes.DEFAULT_RECIPE)
    recipe = st.radio(t("recipe.pick"), names, index=names.index(chosen), horizontal=True,
                      format_func=lambda name: t(f"recipe.{name}"))
    st.caption(measured_text(recipes.cross_validated(recipe)))
    lever_chart.section()
    return recipe


def measured_text(figure) -> str:
    """One line: the recipe's cross-validated accuracy with its standard error and the time per
    training, or 'not cross-validated yet'."""
    if figure is None:
        return t("recipe.unmeasured")
    return t("recipe.measured", accuracy=formatting.percent(figure["accuracy"]),
             error=f"{100 * figure['standard_error']:.1f}", n=figure["n"], folds=figure["folds"],
             seeds=len(figure["seeds"]), time=formatting.duration(figure["seconds"]))


def choose_config(prepared):
    """The settings widgets; returns a TrainConfig, or None (with an error) when they do not fit."""
    from weather_core.models import MODELS
    from weather_core.training import LR_SCHEDULES, RANGES, TrainConfig

    link = lesson_links.Lesson()
    recipe = choose_recipe(link)
    v = initial_values(link, recipe)
    key = f"{recipe}-"  # a recipe change starts the widgets afresh from its values
    names = list(MODELS)
    cols = st.columns([2, 1, 1, 1])  # model titles are long; a selectbox's value cannot wrap
    model = cols[0].selectbox(t("train.model"), names, index=names.index(v["model"]),
                              format_func=i18n.model_title, key=key + "model")
    epochs = cols[1].number_input(t("train.epochs"), *RANGES["epochs"], v["epochs"], key=key + "epochs")
    batch_size = cols[2].number_input(t("train.batch_size"), *RANGES["batch_size"], v["batch_size"],
                                      key=key + "batch")
    image_size = cols[3].number_input(t("train.image_size"), *RANGES["image_size"], v["image_size"],
                                      key=key + "size")
    cols = st.columns(4)
    rate = cols[0].select_slider(t("train.learning_rate"), sorted({*RATES, v["lr"]}), v["lr"],
                                 key=key + "lr")
    schedule = cols[1].selectbox(t("train.lr_schedule"), LR_SCHEDULES,
                                 index=LR_SCHEDULES.index(v["lr_schedule"]),
                                 format_func=lambda name: t(f"train.schedule_{name}"), key=key + "schedule")
    smoothing = cols[2].number_input(t("train.label_smoothing"), 0.0, 0.5, float(v["label_smoothing"]),
                                     step=0.05, key=key + "smoothing", help=t("train.label_smoothing_help"))
    seed = cols[3].number_input(t("train.seed"), 0, 2**31 - 1, v["seed"], key=key + "seed")
    cols = st.columns(4)
    flip = cols[0].checkbox(t("train.flip"), v["flip"], key=key + "flip", help=t("train.flip_help"))
    augment = cols[1].checkbox(t("train.augment"), v["augment"], key=key + "augment")
    reduce_lr = cols[2].checkbox(t("train.reduce_lr"), v["reduce_lr"] and schedule == "constant",
                                 help=t("train.reduce_lr_help"), disabled=schedule != "constant",
                                 key=key + "reduce_lr")
    crop = cols[3].checkbox(t("train.crop"), v["crop"], key=key + "crop", help=t("train.crop_help"))
    cols = st.columns(4)
    ema = cols[0].checkbox(t("train.ema"), v["ema"], key=key + "ema", help=t("train.ema_help"))
    tta = cols[1].checkbox(t("train.tta"), v["tta"], key=key + "tta", help=t("train.tta_help"))
    augment_settings = which_augmentation(key) if augment else {}
    link.show()
    if image_size < MODELS[model].min_image_size:
        st.error(t("train.too_small", model=model, size=MODELS[model].min_image_size))
        return None
    config = TrainConfig(data=str(prepared), model=model, epochs=int(epochs), batch_size=int(batch_size),
                       image_size=int(image_size), learning_rate=float(rate), augment=augment,
                       reduce_lr=reduce_lr and schedule == "constant", seed=int(seed), flip=flip,
                       lr_schedule=schedule, label_smoothing=float(smoothing), crop=crop,
                       jitter=v["jitter"] if crop else 0.0, ema=ema, tta=tta, augment_settings=augment_settings,
                       warmup_epochs=v["warmup_epochs"] if schedule == "cosine" else 0, recipe=recipe)
    if any(link.raw(name) is not None for name in LINK_SETTINGS):
        st.caption(recipe_match(config))
    return config


# The link keys that set training settings: a link with any of them says which recipe it gives.
LINK_SETTINGS = ("model", "epochs", "batch_size", "image_size", "lr", "learning_rate", "augment", "reduce_lr",
                 "flip", "crop", "ema", "tta", "schedule", "smoothing")


def recipe_match(config) -> str:
    """Which recipe a lesson link's settings are, exactly; or which recipe they start from and
    what they change."""
    from dataclasses import asdict

    from weather_core.models import recipes

    settings = asdict(config)
    for name in recipes.RECIPES:
        if not recipes.differences({**settings, "recipe": name}):
            return t("train.link_is", recipe=t(f"recipe.{name}"))
    changed = ", ".join(recipes.differences(settings)) or "–"
    return t("train.link_custom", recipe=config.recipe, changed=changed)


def which_augmentation(key) -> dict:
    """With the report's augmentation on: its settings, or the student's from the Augmentation
    page (offered once they differ from the report's); {} means the report's."""
    from weather_core.models.augment import REPORT_SETTINGS

    mine = st.session_state.get("my_augmentation")  # pages/augmentation.py MY_SETTINGS_KEY
    if not isinstance(mine, dict) or mine == REPORT_SETTINGS.to_dict():
        st.caption(t("train.augment_report_only"))
        return {}
    choice = st.radio(t("train.augment_which"), ["report", "mine"], horizontal=True, key=key + "augment-which",
                      format_func=lambda name: t(f"train.augment_{name}"))
    return dict(mine) if choice == "mine" else {}


def show_estimate(config, summary):
    """The time this training should take: nothing when the recipe as it is has a measured time
    (shown with its figure above: one time per recipe), else the estimate for these settings."""
    from dataclasses import asdict

    from weather_core.models import recipes

    if not recipes.differences(asdict(config)) and recipes.cross_validated(config.recipe):
        return
    train_count = sum(summary["splits"]["train"].values())
    seconds = estimate.estimate_seconds(config.model, config.image_size, config.epochs, train_count)
    speed = estimate.images_per_second(config.model, config.image_size)
    st.caption(t("train.estimate", time=formatting.duration(seconds), n=train_count, speed=f"{speed:.0f}"))


def share(config):
    """The lesson link that opens this form with `config`'s settings."""
    lesson_links.share("train", dict(
        recipe=config.recipe, model=config.model, epochs=config.epochs, batch_size=config.batch_size,
        image_size=config.image_size, augment=config.augment, reduce_lr=config.reduce_lr,
        lr=config.learning_rate, seed=config.seed, flip=config.flip, schedule=config.lr_schedule,
        smoothing=config.label_smoothing, crop=config.crop, ema=config.ema, tta=config.tta))
