"""The Train page's settings form: initial values from a lesson link, the time estimate, and the
link that shares the current settings."""

import streamlit as st

from pages.ui import formatting, i18n, lesson_links
from pages.ui.i18n import t
from weather_core import estimate

RATES = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]


def initial_values(lesson_link):
    """The form's starting values: the defaults, overridden by the URL's valid parameters."""
    from weather_core.models import MODELS
    from weather_core.training import DEFAULTS as d, RANGES

    return dict(
        model=lesson_link.choice("model", list(MODELS), d["model"]),
        epochs=lesson_link.number("epochs", d["epochs"], *RANGES["epochs"]),
        batch_size=lesson_link.number("batch_size", d["batch_size"], *RANGES["batch_size"]),
        image_size=lesson_link.number("image_size", d["image_size"], *RANGES["image_size"]),
        lr=lesson_link.number("lr", d["learning_rate"], RATES[0], RATES[-1], integer=False),
        seed=lesson_link.number("seed", d["seed"], 0, 2**31 - 1),
        augment=lesson_link.flag("augment", d["augment"]),
        reduce_lr=lesson_link.flag("reduce_lr", d["reduce_lr"]),
    )


def choose_config(prepared):
    """The settings widgets; returns a TrainConfig, or None (with an error) when they do not fit."""
    from weather_core.models import MODELS
    from weather_core.training import RANGES, TrainConfig

    link = lesson_links.Lesson()
    v = initial_values(link)
    names = list(MODELS)
    cols = st.columns(4)
    model = cols[0].selectbox(t("train.model"), names, index=names.index(v["model"]),
                              format_func=i18n.model_title)
    epochs = cols[1].number_input(t("train.epochs"), *RANGES["epochs"], v["epochs"])
    batch_size = cols[2].number_input(t("train.batch_size"), *RANGES["batch_size"], v["batch_size"])
    image_size = cols[3].number_input(t("train.image_size"), *RANGES["image_size"], v["image_size"])
    cols = st.columns(4)
    rate = cols[0].select_slider(t("train.learning_rate"), sorted({*RATES, v["lr"]}), v["lr"])
    seed = cols[1].number_input(t("train.seed"), 0, 2**31 - 1, v["seed"])
    augment = cols[2].checkbox(t("train.augment"), v["augment"])
    reduce_lr = cols[3].checkbox(t("train.reduce_lr"), v["reduce_lr"], help=t("train.reduce_lr_help"))
    link.show()
    if image_size < MODELS[model].min_image_size:
        st.error(t("train.too_small", model=model, size=MODELS[model].min_image_size))
        return None
    return TrainConfig(data=str(prepared), model=model, epochs=int(epochs), batch_size=int(batch_size),
                       image_size=int(image_size), learning_rate=float(rate), augment=augment,
                       reduce_lr=reduce_lr, seed=int(seed))


def show_estimate(config, summary):
    train_count = sum(summary["splits"]["train"].values())
    seconds = estimate.estimate_seconds(config.model, config.image_size, config.epochs, train_count)
    speed = estimate.images_per_second(config.model, config.image_size)
    st.caption(t("train.estimate", time=formatting.duration(seconds), n=train_count, speed=f"{speed:.0f}"))


def share(config):
    """The lesson link that opens this form with `config`'s settings."""
    lesson_links.share("train", dict(model=config.model, epochs=config.epochs, batch_size=config.batch_size,
                               image_size=config.image_size, augment=config.augment,
                               reduce_lr=config.reduce_lr, lr=config.learning_rate, seed=config.seed))
