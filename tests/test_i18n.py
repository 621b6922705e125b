"""English and Korean: the Korean table (pages/ui/locales/ko.toml) has exactly the English keys and
placeholders, nothing is left as an English copy, every page of app.py renders in both languages
(?lang=ko / ?lang=en) with Korean text only in Korean, a key missing in Korean is detected, and the
sidebar's language switch changes the language and keeps it in the URL."""

import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.ui import i18n
from pages.ui.i18n import EN
from pages.ui.i18n import KO
from weather_core.data import demo

ROOT = Path(__file__).resolve().parent.parent

APP = ROOT / "app.py"
HANGUL = re.compile("[가-힣]")
TIMEOUT = 90  # the first TensorFlow import on a busy 2-core machine is slow
# Keys whose Korean text may equal the English one: nothing in them is a word to translate.
SAME_IN_BOTH = {
    "error.generic",  # "{message}"
    "classify.bad_file",  # "{file}: {error}"
}


def app_pages() -> list[str]:
    """Every page app.py registers (from the page registry it builds st.navigation from): a new
    page is walked automatically."""
    from pages.ui import nav

    return [page.path for page in nav.PAGES]


PAGES = app_pages()


# ---------------------------------------------------------------------------------------------
# The tables


def placeholders(text) -> set:
    """The `{name:spec!conversion}` fields of a format string, e.g. {("total", ",", None)}."""
    return {(field, spec, conversion) for _, field, spec, conversion in string.Formatter().parse(text)
            if field is not None}


def table_problems(en, ko, same_ok=SAME_IN_BOTH) -> list[str]:
    """Everything wrong with a translated table against EN: missing and extra keys, placeholders
    that differ, and values left in English (unless allowed). Empty when the table is complete."""
    problems = [f"missing in KO: {key}" for key in en.keys() - ko.keys()]
    problems += [f"extra in KO: {key}" for key in ko.keys() - en.keys()]
    for key in en.keys() & ko.keys():
        if placeholders(en[key]) != placeholders(ko[key]):
            problems.append(f"placeholders differ: {key}: {sorted(placeholders(en[key]), key=str)} "
                            f"vs {sorted(placeholders(ko[key]), key=str)}")
        if key in same_ok:
            continue
        if ko[key] == en[key]:
            problems.append(f"untranslated (same as EN): {key}")
        elif not HANGUL.search(ko[key]):
            problems.append(f"no Korean in: {key}")
    return sorted(problems)


def test_korean_table_has_exactly_the_english_keys_and_placeholders():
    assert table_problems(EN, KO) == []


def test_every_key_the_code_names_has_english_text():
    """Literal t("...") keys in app.py and the pages (f-string keys are covered by the page walk)."""
    sources = [APP, *sorted((ROOT / "pages").rglob("*.py"))]
    used = {key for path in sources
            for key in re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", path.read_text())}
    assert used, "no t() calls found"
    assert sorted(used - EN.keys()) == []


def test_allow_list_is_small_and_current():
    assert SAME_IN_BOTH <= EN.keys()
    assert all(not re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", EN[key])) for key in SAME_IN_BOTH)


def test_checker_reports_missing_extra_changed_and_copied_keys():
    ko = dict(KO)
    del ko["home.title"]
    ko["home.nonsense"] = "없는 키"
    ko["models.report_numbers"] = ko["models.report_numbers"].replace("{total:,}", "{total}")
    ko["train.cancel"] = EN["train.cancel"]
    assert table_problems(EN, ko) == sorted([
        "extra in KO: home.nonsense",
        "missing in KO: home.title",
        "placeholders differ: models.report_numbers: [('non', ',', None), ('total', ',', None)] "
        "vs [('non', ',', None), ('total', '', None)]",
        "untranslated (same as EN): train.cancel",
    ])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bold_and_italics_close(lang):
    """CommonMark only closes `**` after punctuation when a space or punctuation follows, so
    `**98 %**의` stays literal asterisks: Korean particles need the emphasis placed around them."""
    markdown_it = pytest.importorskip("markdown_it")
    render = markdown_it.MarkdownIt("commonmark").render
    table = {"en": EN, "ko": KO}[lang]
    for key, text in table.items():
        fields = {field.split("[")[0].split(".")[0] for field, _, _ in placeholders(text)}
        html = re.sub(r"<code>.*?</code>", "", render(text.format(**{f: _Anything() for f in fields})),
                      flags=re.S)
        assert "*" not in html, f"{key}: unrendered emphasis in {html!r}"


def test_t_formats_in_each_language_and_english_outside_a_session():
    assert i18n.language() == "en"  # no script run: plain Python and the other tests see English
    assert i18n.t("models.report_numbers", total=14803780, non=0) == EN["models.report_numbers"].format(
        total=14803780, non=0)
    for key in EN:  # every Korean string formats with the English string's arguments
        fields = {field.split("[")[0].split(".")[0] for field, _, _ in placeholders(EN[key])}
        args = {name: _Anything() for name in fields}
        assert KO[key].format(**args) is not None


class _Anything(float):
    """A format argument that takes any field, index and spec ({w[min]}, {p:.0%}, {total:,})."""

    def __new__(cls):
        return super().__new__(cls, 0.5)

    def __getitem__(self, _):
        return self

    def __getattr__(self, _):
        return self


# ---------------------------------------------------------------------------------------------
# Every page in both languages (conftest fixtures: private roots, the demo, one tiny run)


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


@pytest.fixture(autouse=True)
def bare_language(monkeypatch):
    """AppTest formats widget options (format_func) outside the script run, in i18n.BARE_LANGUAGE:
    keep it in step with the app's language while a test drives Korean widgets."""
    monkeypatch.setattr(i18n, "BARE_LANGUAGE", "en")


def follow(at):
    i18n.BARE_LANGUAGE = at.session_state[i18n.LANG_KEY]
    return at


@pytest.fixture
def no_missing_keys():
    i18n.missing_keys.clear()
    yield
    assert not i18n.missing_keys, f"keys without text in the active language: {sorted(i18n.missing_keys)}"


def open_app(lang=None, page=None, browser=None, **state):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if browser is not None:
        at.context = {"locale": browser}
    if lang is not None:
        at.query_params["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    follow(at.run())
    if page is not None:
        follow(at.switch_page(page).run())
    assert not at.exception, [e.value for e in at.exception]
    return at


def language_radio(at):
    return next(r for r in at.sidebar.radio if r.label == i18n.LANGUAGE_LABEL)


TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning",
              "error")
WIDGET_KINDS = ("button", "selectbox", "multiselect", "radio", "slider", "select_slider",
                "number_input", "text_input", "checkbox", "toggle", "file_uploader", "expander",
                "metric", "tab")


def has_words(text) -> bool:
    """Whether a text has English words to translate, not just data: code spans, file names, run
    ids, numbers and material icons do not count."""
    text = re.sub(r"`[^`]*`|:material/[a-z_]+:", " ", text)
    tokens = [token.strip("*_()[],;:!?'\"“”") for token in text.split()]
    return any(re.fullmatch(r"[A-Za-z]{2,}", token) for token in tokens)


def shown_texts(block) -> list[tuple[str, str]]:
    """(kind, text) of every text element and widget label in a block (at.main or at.sidebar)."""
    found = [(kind, str(e.value)) for kind in TEXT_KINDS for e in block.get(kind)]
    found += [(kind, str(w.label)) for kind in WIDGET_KINDS for w in block.get(kind)
              if getattr(w, "label", None)]
    found += [("page_link", str(link.proto.label)) for link in block.get("page_link")]
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_both_languages(page, lang, trained_run, no_missing_keys):
    at = open_app(lang, page, train_run=str(trained_run))
    assert at.session_state[i18n.LANG_KEY] == lang
    assert language_radio(at).value == lang
    assert at.title, f"{page} has no title"
    main = shown_texts(at.main)
    sidebar = [(kind, text) for kind, text in shown_texts(at.sidebar) if text != i18n.LANGUAGE_LABEL]
    if lang == "ko":
        assert all(HANGUL.search(title.value) for title in at.title)
        english = [(kind, text) for kind, text in main + sidebar
                   if has_words(text) and not HANGUL.search(text)]
        assert not english, f"{page}: English text in Korean: {english}"
    else:
        korean = [(kind, text) for kind, text in main + sidebar if HANGUL.search(text)]
        assert not korean, f"{page}: Korean text in English: {korean}"


def test_missing_korean_key_falls_back_and_is_reported(monkeypatch):
    monkeypatch.delitem(i18n.KO, "home.title")
    assert "missing in KO: home.title" in table_problems(EN, i18n.KO)
    i18n.missing_keys.clear()
    at = open_app("ko")
    assert at.title[0].value == EN["home.title"]  # English, never a crash or a bare key
    assert "home.title" in i18n.missing_keys
    i18n.missing_keys.clear()


# ---------------------------------------------------------------------------------------------
# Choosing the language


def test_sidebar_switch_changes_language_and_url(no_missing_keys):
    at = open_app()
    assert language_radio(at).value == "en" and "lang" not in at.query_params  # a plain URL
    assert at.title[0].value == EN["home.title"]
    follow(language_radio(at).set_value("ko").run())
    assert not at.exception
    assert at.title[0].value == KO["home.title"]
    assert at.query_params["lang"] == "ko" and at.session_state[i18n.LANG_KEY] == "ko"
    assert [link.proto.label for link in at.main.get("page_link")][0] == KO["home.step.dataset.title"].format(n=1)
    # another page keeps the language, and the URL keeps saying so
    at.switch_page("pages/models.py").run()
    assert not at.exception
    assert at.title[0].value == KO["models.title"] and at.query_params["lang"] == "ko"
    follow(language_radio(at).set_value("en").run())
    assert at.title[0].value == EN["models.title"] and at.query_params["lang"] == "en"


def test_url_language_is_read_and_normalised(no_missing_keys):
    assert language_radio(open_app("ko")).value == "ko"
    assert open_app("ko-KR").title[0].value == KO["home.title"]
    at = open_app("fr")
    assert at.title[0].value == EN["home.title"] and language_radio(at).value == "en"
    # an edited link wins over the session's earlier choice
    at = open_app("ko")
    at.query_params["lang"] = "en"
    follow(at.run())
    assert at.title[0].value == EN["home.title"] and language_radio(at).value == "en"


def test_browser_language_is_the_default_and_a_link_or_the_switch_wins(no_missing_keys):
    at = open_app(browser="ko-KR")
    assert at.title[0].value == KO["home.title"] and language_radio(at).value == "ko"
    assert at.query_params["lang"] == "ko"  # the link the student shares keeps the language
    follow(at.run())
    assert at.title[0].value == KO["home.title"]
    assert open_app(browser="fr-FR").title[0].value == EN["home.title"]
    assert open_app("en", browser="ko-KR").title[0].value == EN["home.title"]
    # a language chosen with the switch (kept in the session) wins over the browser's
    assert open_app(browser="ko-KR", **{i18n.LANG_KEY: "en"}).title[0].value == EN["home.title"]


def test_dataset_page_says_weather_core_notes_in_korean(no_missing_keys):
    """Skip reasons and the balance note come from weather_core in English; the page says them in
    the UI language (and English stays word for word what weather_core wrote)."""
    import io
    import zipfile

    raw = demo.ensure_demo_dataset().parent / "raw"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(raw.glob("*[12].jpg")):
            archive.write(path, f"photos/{path.name}")
        archive.writestr("photos/rainbow_shine.jpg", (raw / "shine1.jpg").read_bytes())
        archive.writestr("photos/notes.txt", "not a photo")
        archive.writestr("photos/README", "no extension")
    reasons = {}
    for lang in ("ko", "en"):
        at = open_app(lang, "pages/dataset.py")
        at.radio[0].set_value("zip").run()
        at.file_uploader[0].set_value(("photos.zip", buffer.getvalue(), "application/zip"))
        follow(at.button[0].click().run())
        assert not at.exception, [e.value for e in at.exception]
        skipped = next(frame.value for frame in at.dataframe if i18n.t("dataset.col.reason") in frame.value)
        reasons[lang] = dict(zip(skipped[i18n.t("dataset.col.file")], skipped[i18n.t("dataset.col.reason")]))
        captions = " ".join(c.value for c in at.caption)
        assert i18n.t("dataset.balance.rough") in captions
        assert i18n.t("class.cloudy") in captions  # thumbnails are headed by the class, as shown
    assert reasons["en"]["photos/rainbow_shine.jpg"] == "name matches more than one class (rain, shine)"
    assert reasons["ko"]["photos/rainbow_shine.jpg"] == KO["dataset.skip.two_classes"].format(
        classes="rain, shine")
    assert reasons["ko"]["photos/notes.txt"] == KO["dataset.skip.not_image"].format(ext=".txt")
    assert reasons["ko"]["photos/README"] == KO["dataset.skip.not_image"].format(
        ext=KO["dataset.skip.no_extension"])
    assert all(HANGUL.search(reason) for reason in reasons["ko"].values())


def test_weather_core_notes_still_have_their_english_keys():
    """The Dataset page recognises weather_core's English notes by their wording: if that wording
    changes, the English key must change with it (and the Korean translation be checked)."""
    from weather_core.data import health

    english = {EN[key] for key in EN if key.startswith("dataset.balance.")}
    for counts in ({"a": 10, "b": 10}, {"a": 20, "b": 10}, {"a": 40, "b": 10}, {"a": 10}):
        assert health.imbalance(counts)["note"] in english
    assert health.imbalance({"a": 10, "b": 0})["note"] == EN["dataset.balance.empty"].format(cls="b")
