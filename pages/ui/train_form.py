"""The Train page's settings form: a recipe's values (or a lesson link's) to start from, what the
recipe measured, the time estimate, and the link that shares the current settings."""

from dataclasses import asdict

import streamlit as st

from pages.ui import formatting, i18n, lesson_links, lever_chart
from pages.ui.i18n import t
from weather_core.models import MODELS, augment
from weather_core.training import BY_NAME, DEFAULTS, SETTINGS, TrainConfig, estimate, recipes, value_range

RATES = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]


def initial_values(link, recipe):
    """The form's starting values, one per setting of the table: the recipe's, with the lesson
    link's valid values on top (an invalid or out-of-range one is refused, with a note)."""
    start = {**DEFAULTS, **recipes.resolve(recipe)}
    return {s.name: link.setting(s, start[s.name], choices=list(MODELS) if s.name == "model" else None)
            for s in SETTINGS if s.name != "recipe"}


def choose_recipe(link):
    """The recipe picker with what each recipe measured (scripts/bench_recipes.py's file)."""
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
    link = lesson_links.Lesson()
    recipe = choose_recipe(link)
    v = initial_values(link, recipe)
    key = f"{recipe}-"  # a recipe change starts the widgets afresh from its values (keys: setting names)

    def number(column, name, **extra):
        return column.number_input(t(f"train.{name}"), *value_range(name), v[name], key=key + name, **extra)

    def checkbox(column, name, **extra):
        return column.checkbox(t(f"train.{name}"), v[name], key=key + name, **extra)

    names, schedules = list(MODELS), list(BY_NAME["lr_schedule"].choices)
    cols = st.columns([2, 1, 1, 1])  # model titles are long; a selectbox's value cannot wrap
    model = cols[0].selectbox(t("train.model"), names, index=names.index(v["model"]),
                              format_func=i18n.model_title, key=key + "model")
    epochs, batch_size, image_size = (number(col, name) for col, name in
                                      zip(cols[1:], ("epochs", "batch_size", "image_size")))
    cols = st.columns(4)
    low, high = value_range("learning_rate")
    rates = sorted({rate for rate in RATES if low <= rate <= high} | {v["learning_rate"]})
    rate = cols[0].select_slider(t("train.learning_rate"), rates, v["learning_rate"], key=key + "learning_rate")
    schedule = cols[1].selectbox(t("train.lr_schedule"), schedules, index=schedules.index(v["lr_schedule"]),
                                 format_func=lambda name: t(f"train.schedule_{name}"), key=key + "lr_schedule")
    smoothing = number(cols[2], "label_smoothing", step=0.05, help=t("train.label_smoothing_help"))
    seed = number(cols[3], "seed")
    cols = st.columns(4)
    flip = checkbox(cols[0], "flip", help=t("train.flip_help"))
    augment = checkbox(cols[1], "augment")
    reduce_lr = cols[2].checkbox(t("train.reduce_lr"), v["reduce_lr"] and schedule == "constant",
                                 help=t("train.reduce_lr_help"), disabled=schedule != "constant",
                                 key=key + "reduce_lr")
    crop = checkbox(cols[3], "crop", help=t("train.crop_help"))
    cols = st.columns(4)
    ema = checkbox(cols[0], "ema", help=t("train.ema_help"))
    tta = checkbox(cols[1], "tta", help=t("train.tta_help"))
    augment_settings = which_augmentation(key) if augment else {}
    link.show()
    if image_size < MODELS[model].min_image_size:
        st.error(t("train.too_small", model=model, size=MODELS[model].min_image_size))
        return None
    chosen = dict(model=model, epochs=int(epochs), batch_size=int(batch_size), image_size=int(image_size),
                  learning_rate=float(rate), lr_schedule=schedule, label_smoothing=float(smoothing),
                  seed=int(seed), flip=flip, augment=augment, reduce_lr=reduce_lr and schedule == "constant",
                  crop=crop, ema=ema, tta=tta, jitter=(v["jitter"] or 0.1) if crop else 0.0,
                  warmup_epochs=v["warmup_epochs"] if schedule == "cosine" else 0)
    config = TrainConfig(data=str(prepared), **{**v, **chosen}, augment_settings=augment_settings, recipe=recipe)
    if link.sets_any(BY_NAME.values()):
        st.caption(recipe_match(config))
    return config


def recipe_match(config) -> str:
    """Which recipe a lesson link's settings are, exactly; or which recipe they start from and
    what they change."""
    settings = asdict(config)
    for name in recipes.RECIPES:
        if not recipes.differences({**settings, "recipe": name}):
            return t("train.link_is", recipe=t(f"recipe.{name}"))
    changed = ", ".join(recipes.differences(settings)) or "–"
    return t("train.link_custom", recipe=config.recipe, changed=changed)


def which_augmentation(key) -> dict:
    """With the report's augmentation on: its settings, or the student's from the Augmentation
    page (offered once they differ from the report's); {} means the report's."""
    mine = st.session_state.get("my_augmentation")  # pages/augmentation.py MY_SETTINGS_KEY
    if not isinstance(mine, dict) or mine == augment.REPORT_SETTINGS.to_dict():
        st.caption(t("train.augment_report_only"))
        return {}
    choice = st.radio(t("train.augment_which"), ["report", "mine"], horizontal=True, key=key + "augment-which",
                      format_func=lambda name: t(f"train.augment_{name}"))
    return dict(mine) if choice == "mine" else {}


def show_estimate(config, summary):
    """The time this training should take: nothing when the recipe as it is has a measured time
    (shown with its figure above: one time per recipe), else the estimate for these settings."""
    if not recipes.differences(asdict(config)) and recipes.cross_validated(config.recipe):
        return
    train_count = sum(summary["splits"]["train"].values())
    seconds = estimate.estimate_seconds(config.model, config.image_size, config.epochs, train_count)
    speed = estimate.images_per_second(config.model, config.image_size)
    st.caption(t("train.estimate", time=formatting.duration(seconds), n=train_count, speed=f"{speed:.0f}"))


def share(config):
    """The lesson link that opens this form with `config`'s settings: every setting a link can set."""
    values = asdict(config)
    lesson_links.share("train", {s.link: values[s.name] for s in SETTINGS if s.link})
