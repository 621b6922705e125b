"""Small pure-UI helpers shared by the pages: translation, the active dataset, errors, estimates.

Nothing here imports TensorFlow, plotly or pandas at module level: app.py and Home import it."""

import re
import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from weather_core import settings

from .text import EN
from .text_ko import KO

DATASET_KEY = "dataset_dir"  # the active prepared folder (str), the one source of truth
PICK_KEY = "dataset_pick"  # the sidebar widget's own key, synced from DATASET_KEY every run
EXPECTED_ERRORS = (ValueError, OSError)  # DataError and ImageError are ValueErrors


# ---------------------------------------------------------------------------------------------
# Language: English or Korean (the report's course is taught in Korean)

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


def _url_language():
    """The language a link asks for (?lang=ko, ?lang=ko-KR, ?lang=EN), or None."""
    value = st.query_params.get("lang")
    code = str(value or "").strip().lower().split("-")[0].split("_")[0]
    return code if code in TEXTS else None


def language() -> str:
    """The active language: a (new or edited) ?lang= in the URL wins, then the session's choice,
    then English. Outside a script run it is BARE_LANGUAGE (English)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return BARE_LANGUAGE
    state = st.session_state
    url = _url_language()
    if url is not None and url != state.get(LANG_URL_KEY):
        state[LANG_KEY] = state[LANG_URL_KEY] = url
    if state.get(LANG_KEY) not in TEXTS:
        state[LANG_KEY] = DEFAULT_LANGUAGE
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


def model_title(name) -> str:
    """A registry model's display title in the active language (its registry title as a fallback)."""
    if has_text(f"models.name.{name}"):
        return t(f"models.name.{name}")
    from weather_core.models import MODELS

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


@contextmanager
def shown_errors():
    """Run a library call; an expected error becomes an st.error with its message, not a traceback."""
    try:
        yield
    except EXPECTED_ERRORS as error:
        st.error(t("error.generic", message=" ".join(str(error).split()) or type(error).__name__))


# ---------------------------------------------------------------------------------------------
# The active dataset


def demo_dir() -> Path:
    return settings.data_root() / "demo" / "prepared"


def prepared_root() -> Path:
    return settings.data_root() / "prepared"


def uploads_root() -> Path:
    return settings.data_root() / "uploads"


def allowed_source_roots() -> list[Path]:
    """Server folders a user may prepare: the data root and the shared real dataset, if present."""
    roots = [settings.data_root()]
    shared = (settings.PROJECT_ROOT.parent / "shared" / "datasets" / "mwd").resolve()
    if shared.is_dir():
        roots.append(shared)
    return roots


def is_allowed_source(path) -> bool:
    path = Path(path).expanduser().resolve()
    return any(path == root or root in path.parents for root in allowed_source_roots())


def slug(text) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("._") or "dataset"


def prepared_datasets() -> list[str]:
    """Prepared folders under the data root (demo first), as strings for widgets."""
    root = settings.data_root()
    found = {str(p.parent) for pattern in ("*/prepared.json", "*/*/prepared.json")
             for p in root.glob(pattern)} if root.exists() else set()
    demo = str(demo_dir())
    return [demo] + sorted(found - {demo})


def dataset_label(path) -> str:
    path = Path(path)
    if path == demo_dir():
        return t("sidebar.demo")
    return path.name


def active_dataset_path() -> Path:
    """The chosen prepared folder; nothing is generated here (cheap enough for Home)."""
    chosen = st.session_state.get(DATASET_KEY)
    if chosen and (Path(chosen) / "prepared.json").exists():
        return Path(chosen)
    return demo_dir()


def active_dataset() -> Path | None:
    """The active prepared folder, generating the demo on first use; None (and an error) on failure."""
    path = active_dataset_path()
    if path == demo_dir() and not (path / "prepared.json").exists():
        from weather_core import demo

        with st.spinner(t("dataset.generating_demo")), shown_errors():
            path = demo.ensure_demo_dataset()
        if not (path / "prepared.json").exists():
            return None
    return path


def set_active_dataset(path) -> None:
    st.session_state[DATASET_KEY] = str(path)


def read_summary(path):
    """prepared.json of a prepared folder, or None (with an st.error when it is unreadable)."""
    from weather_core import data

    with shown_errors():
        return data.load_summary(path)
    return None


def load_active_summary():
    """(prepared folder, prepared.json summary) of the active dataset, or (None, None)."""
    path = active_dataset()
    if path is None:
        return None, None
    return path, read_summary(path)


def _picked():
    st.session_state[DATASET_KEY] = st.session_state[PICK_KEY]


def dataset_sidebar(slot) -> None:
    """The active-dataset picker and its counts, drawn into `slot` (a sidebar container)."""
    active = str(active_dataset_path())
    options = prepared_datasets()
    if active not in options:
        options.insert(0, active)
    st.session_state[PICK_KEY] = active
    with slot:
        st.selectbox(t("sidebar.dataset"), options, key=PICK_KEY, format_func=dataset_label,
                     on_change=_picked)
        summary = read_summary(active)
        if summary is None:
            st.caption(t("sidebar.not_generated"))
            return
        st.caption(t("sidebar.counts", counts=split_totals(summary)))
        classes = ", ".join(f"{class_label(name)} {n}" for name, n in summary["classes"].items())
        st.caption(t("sidebar.classes", classes=classes))


def split_totals(summary) -> str:
    return " · ".join(f"{split_label(name)} {sum(counts.values())}"
                      for name, counts in summary["splits"].items())


def split_label(name) -> str:
    return t(f"split.{name}") if has_text(f"split.{name}") else str(name)


@st.cache_data(max_entries=256, show_spinner=False)
def thumbnail(source, box, version=None):
    """A small upright RGB array of a photo (path or bytes); `version` (an mtime) renews the cache."""
    import numpy as np

    from weather_core.images import open_rgb

    image = open_rgb(source)
    image.thumbnail((box, box))
    return np.asarray(image)


def pick_run(label, candidates):
    """A selectbox over `candidates` (runs.RunInfo), the best run preselected; None when empty."""
    from weather_core import runs

    if not candidates:
        return None
    by_id = {r.run_id: r for r in candidates}
    ids, best = list(by_id), runs.best_run(candidates=candidates)
    index = ids.index(best.run_id) if best is not None else 0
    chosen = st.selectbox(label, ids, index=index, format_func=lambda i: by_id[i].label())
    return by_id[chosen]


# ---------------------------------------------------------------------------------------------
# Training time estimate

# Training images per second measured on a 2-core CPU (README "Choosing the defaults"); model_3
# at 160 and 192 px from the real-photo runs in bfloat16 (epoch time = images / rate * 1.15).
MEASURED_THROUGHPUT = {
    ("model_1", 128): 75.0, ("model_1", 250): 19.0,
    ("model_3", 160): 26.3, ("model_3", 192): 19.4, ("model_3", 250): 5.0,
}
# Model 2 was not measured: it does about twice Model 1's convolution work, so half its speed.
# A "<name>_seed" variant (the report's exact version) trains as fast as <name>.
ASSUMED_FACTOR = {"model_2": 0.5}
VALIDATION_OVERHEAD = 1.15
STARTUP_SECONDS = 20  # importing TensorFlow, decoding the photos once, building the model


def images_per_second(model, image_size) -> float:
    """Training throughput on a 2-core CPU, scaled by pixel count from the closest measurement."""
    base, factor = model.removesuffix("_seed"), 1.0
    sizes = [size for name, size in MEASURED_THROUGHPUT if name == base]
    if not sizes:
        base, factor = "model_1", ASSUMED_FACTOR.get(base, 0.5)
        sizes = [size for name, size in MEASURED_THROUGHPUT if name == base]
    reference = min(sizes, key=lambda size: abs(size - image_size))
    return MEASURED_THROUGHPUT[(base, reference)] * (reference / image_size) ** 2 * factor


def estimate_seconds(model, image_size, epochs, train_count) -> float:
    """Wall time of a training run on a 2-core CPU: epochs of train_count images, +15 % validation."""
    per_epoch = train_count / images_per_second(model, image_size) * VALIDATION_OVERHEAD
    return STARTUP_SECONDS + epochs * per_epoch


def fraction_done(status) -> float:
    """How much of a run is done, from status.json's epoch/epochs and batch/steps."""
    epoch, epochs, steps = status.get("epoch") or 0, status.get("epochs") or 1, status.get("steps") or 1
    if not epoch:
        return 0.0
    return min(1.0, ((epoch - 1) + min(status.get("batch") or 0, steps) / steps) / epochs)


def remaining_seconds(status, rows, now) -> float | None:
    """Training time left: the mean epoch so far times the epochs left (or extrapolated from the
    start time before the first epoch ended); None when nothing is known yet."""
    done, epochs = fraction_done(status), status.get("epochs") or 1
    if rows:
        return epochs * (1 - done) * sum(r.get("seconds", 0) for r in rows) / len(rows)
    if done and status.get("started"):
        return (now - status["started"]) * (1 - done) / done
    return None


def duration(seconds) -> str:
    seconds = int(round(max(0, seconds or 0)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("time.hours", h=hours, m=f"{minutes:02d}")
    return t("time.minutes", m=minutes, s=f"{secs:02d}") if minutes else t("time.seconds", s=secs)


def state_label(state) -> str:
    """A run state (finished, queued, interrupted, ...) in the active language."""
    return t(f"state.{state}") if has_text(f"state.{state}") else state


_IMPORT_LOCK = threading.Lock()


def import_pandas():
    """pandas, imported by one session thread at a time: two first-time imports racing in two
    threads (plotly imports pandas too) can hand one of them a half-initialised module."""
    with _IMPORT_LOCK:
        import pandas

    return pandas


def log_tail(path, lines=30) -> str:
    """The last lines of a text file (a run's log.txt), or "" when it cannot be read."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def percent(value) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "–"
