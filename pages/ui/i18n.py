"""The dashboard's two languages: t(key), the language switch (kept in the URL as ?lang=), and the
names shown for classes and models. The text itself is in locales/en.toml and locales/ko.toml."""

import tomllib
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from weather_core.exceptions import one_line
from weather_core.models import MODELS, canonical

LOCALES = Path(__file__).resolve().parent / "locales"


def load_texts(code) -> dict:
    """locales/<code>.toml flattened: [section] key = "..." becomes {"section.key": "..."}."""
    with open(LOCALES / f"{code}.toml", "rb") as file:
        tables = tomllib.load(file)
    return {f"{section}.{key}": text for section, table in tables.items() for key, text in table.items()}


EN = load_texts("en")
KO = load_texts("ko")

TEXTS = {"en": EN, "ko": KO}
LANGUAGES = {"en": "English", "ko": "한국어"}  # each language in its own words
DEFAULT_LANGUAGE = "en"
# The language outside a script run: plain Python, and AppTest, which calls a widget's format_func
# between runs to find its value (a test driving Korean widgets sets it to "ko").
BARE_LANGUAGE = DEFAULT_LANGUAGE
LANG_KEY = "lang"  # session state: the active language code, the one source of truth
LANG_PICK_KEY = "lang_pick"  # the sidebar widget's own key, synced from LANG_KEY every run
LANG_URL_KEY = "lang_url"  # session state: the ?lang= value last read from or written to the URL
LANGUAGE_LABEL = ":material/translate: Language · 언어"  # bilingual: findable in either language
missing_keys = set()  # keys looked up but absent from the active table (tests assert it stays empty)


def _known_language(tag):
    """The table for a language tag ("ko", "ko-KR", "EN", "ko_KR"), or None."""
    code = str(tag or "").strip().lower().split("-")[0].split("_")[0]
    return code if code in TEXTS else None


def _url_language():
    """The language a link asks for (?lang=ko, ?lang=ko-KR, ?lang=EN), or None."""
    return _known_language(st.query_params.get("lang"))


def _browser_language():
    """The language the browser prefers (navigator.language), when we have a table for it."""
    try:
        return _known_language(st.context.locale)
    except Exception:  # an older or non-browser client: no locale to read
        return None


def language() -> str:
    """The active language: a (new or edited) ?lang= in the URL wins, then the session's choice,
    then the browser's language, then English. Outside a script run it is BARE_LANGUAGE (English)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return BARE_LANGUAGE
    state = st.session_state
    url = _url_language()
    if url is not None and url != state.get(LANG_URL_KEY):
        state[LANG_KEY] = state[LANG_URL_KEY] = url
    if state.get(LANG_KEY) not in TEXTS:
        state[LANG_KEY] = _browser_language() or DEFAULT_LANGUAGE
    return state[LANG_KEY]


def t(key, **kwargs):
    """The text for `key` in the active language, formatted. A key missing from that language falls
    back to English, one missing everywhere shows itself (never a crash); both are recorded in
    `missing_keys`."""
    table = TEXTS[language()]
    text = table.get(key)
    if text is None:
        missing_keys.add(key)
        text = EN.get(key, key)
    return text.format(**kwargs) if kwargs else text


def has_text(key) -> bool:
    return key in EN


def class_label(name) -> str:
    """A class as shown: "cloudy" in English, "흐림 (cloudy)" in Korean; data keeps the English name."""
    return t(f"class.{name}") if has_text(f"class.{name}") else str(name)


def class_short(name) -> str:
    """A class as charts label it, in the UI language only ("흐림" in Korean): axes stay short."""
    return t(f"class_short.{name}") if has_text(f"class_short.{name}") else str(name)


def model_title(name) -> str:
    """A registry model's display title in the active language (its registry title as a fallback)."""
    name = canonical(name)
    if has_text(f"models.name.{name}"):
        return t(f"models.name.{name}")

    return MODELS[name].title if name in MODELS else str(name)


def _url_keeps(lang) -> None:
    """Write the language into the URL, so a shared or bookmarked link opens in it."""
    st.query_params["lang"] = lang
    st.session_state[LANG_URL_KEY] = lang


def _language_picked():
    lang = st.session_state[LANG_PICK_KEY]
    st.session_state[LANG_KEY] = lang
    _url_keeps(lang)


def language_sidebar() -> None:
    """The sidebar's language switch. It also puts ?lang= back into the URL when a page change
    dropped it (English without a ?lang= stays a plain URL)."""
    lang = language()
    if _url_language() != lang and (lang != DEFAULT_LANGUAGE or "lang" in st.query_params):
        _url_keeps(lang)
    st.session_state[LANG_PICK_KEY] = lang
    st.sidebar.radio(LANGUAGE_LABEL, list(LANGUAGES), key=LANG_PICK_KEY, horizontal=True,
                     format_func=LANGUAGES.get, on_change=_language_picked)


def error_text(key, values, english) -> str:
    """A core error in the UI's language: error.<key> with its values, else its English text."""
    if key and has_text(f"error.{key}"):
        try:
            return t(f"error.{key}", **(values or {}))
        except (KeyError, ValueError, IndexError):  # values that do not fit the text: say it in English
            pass
    return english


def said(error) -> str:
    """An exception's message for a page: translated when the core gave it a key (UserError)."""
    return error_text(getattr(error, "key", None), getattr(error, "values", None), one_line(error))
