"""The README's lesson links: each one opened as a student would, the form compared with what the
README says it opens (a recipe's settings exactly, the link's values on top)."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from pages.ui import i18n
from support import ROOT, assert_clean, open_page, texts
from weather_core.training import recipes

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### Lesson links", 1)[1].split("###", 1)[0]
LINKS = [line.strip() for line in re.search(r"```text\n(.*?)```", SECTION, re.S).group(1).splitlines()
         if line.strip().startswith("/") and "<" not in line]
TRAIN_NUMBERS = ("epochs", "batch_size", "image_size")
TRAIN_FLAGS = ("augment", "reduce_lr", "flip")


def query_of(link):
    parts = urlsplit(link)
    return parts.path.strip("/"), dict(parse_qsl(parts.query))


def train_form(at) -> dict:
    numbers = {key: int(next(n for n in at.number_input if n.label == i18n.t(f"train.{key}")).value)
               for key in TRAIN_NUMBERS}
    flags = {key: next(c for c in at.checkbox if c.label == i18n.t(f"train.{key}")).value for key in TRAIN_FLAGS}
    model = next(s for s in at.selectbox if s.label == i18n.t("train.model")).value
    return {"model": model, **numbers, **flags}


def test_the_readme_has_lesson_links_for_train_models_and_augmentation():
    assert {query_of(link)[0] for link in LINKS} >= {"train", "models", "augmentation"}


@pytest.mark.parametrize("link", LINKS)
def test_each_readme_lesson_link_opens_what_the_readme_says(app_demo, link):
    page, query = query_of(link)
    at = open_page(f"pages/{page}.py", query=query)
    assert_clean(at)
    notes = i18n.t("lesson.notes", notes="").split("{")[0].rstrip(".: ")
    assert not [w.value for w in at.warning if w.value.startswith(notes)]  # nothing clamped, nothing ignored
    if page == "train":
        wanted = {key: recipes.RECIPES[query.get("recipe", recipes.DEFAULT_RECIPE)][key]
                  for key in ("model", *TRAIN_NUMBERS, *TRAIN_FLAGS)}
        wanted.update({key: int(query[key]) for key in TRAIN_NUMBERS if key in query})
        wanted.update({key: query[key] for key in ("model",) if key in query})
        assert train_form(at) == wanted
        assert at.radio[0].value == query.get("recipe", recipes.DEFAULT_RECIPE)
        recipe = recipes.RECIPES[at.radio[0].value]
        changed = [key for key in recipe if key in ("model", *TRAIN_NUMBERS) and key in query
                   and str(query[key]) != str(recipe[key])]
        if changed:  # the link says it is no recipe, and what it changes
            assert i18n.t("train.link_custom", recipe=at.radio[0].value, changed=", ".join(changed)) in texts(at.caption)
    elif page == "models":
        assert at.selectbox[0].value == query["model"]
        assert int(query["image_size"]) in [n.value for n in at.number_input]
    else:  # augmentation: every slider at the link's value
        values = {s.label: s.value for s in at.slider}
        assert values[i18n.t("augment.rotation")] == float(query["rotation"])
        assert values[i18n.t("augment.shear")] == float(query["shear"])
        assert tuple(values[i18n.t("augment.brightness")]) == tuple(float(v) for v in query["brightness"].split(","))


def share_link(address=None):
    """The Train page's share box link for a browser that reached the server at `address`."""
    from streamlit.testing.v1 import AppTest

    from support import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if address:
        at.context = {"url": address}
    at.run()
    at.switch_page("pages/train.py").run()
    assert_clean(at)
    share = next(e for e in at.expander if e.label == i18n.t("lesson.share"))
    return share.code[0].value, texts(share.caption)


def test_the_share_link_is_one_students_can_open(app_demo):
    from weather_core.jobs import classroom

    link, help_text = share_link("http://localhost:8501/train")  # the teacher's own machine
    assert link.startswith("/train?recipe=quick") and help_text == i18n.t("lesson.share_help")
    link, help_text = share_link("http://10.1.2.3:8501/train")
    assert link.startswith("http://10.1.2.3:8501/train?") and help_text == i18n.t("lesson.share_full")
    classroom.set_public_address("https://school.example/weather/")
    try:
        assert share_link("http://localhost:8501/train")[0].startswith("https://school.example/weather/train?")
    finally:
        classroom.set_public_address("")
    for bad in ("school.example", "ftp://x", "http://a b", "https://x/?q=1"):
        with pytest.raises(ValueError, match="not a web address"):
            classroom.set_public_address(bad)
