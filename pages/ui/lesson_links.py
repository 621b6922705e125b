"""Lesson links: an instructor's URL (`/train?model=model_3&epochs=50`) sets a page's initial widget
values, so a whole class starts alike. Each value is validated: nonsense, or a number out of its
range, is refused (the page's own value stays) and named, with the range, in one small warning; a
page never fails on its URL."""

import math
from urllib.parse import urlencode, urlsplit

import streamlit as st

from pages.ui import i18n, session
from pages.ui.formatting import plain
from pages.ui.i18n import t
from weather_core import settings
from weather_core.jobs import classroom
from weather_core.models import canonical

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _shown(value) -> str:
    """A URL value as plain text (no markdown can be injected through a link)."""
    return plain(value, 40)


class Lesson:
    """Reads the page's query parameters; collects a note for each value it could not use as is."""

    def __init__(self):
        self.notes = []

    @staticmethod
    def raw(name):
        value = st.query_params.get(name)
        return None if value is None or not str(value).strip() else str(value).strip()

    def _ignore(self, name, raw):
        self.notes.append(t("lesson.ignored", name=name, value=_shown(raw)))

    def number(self, name, default, low, high, integer=True):
        raw = self.raw(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (integer and not value.is_integer()):
            self._ignore(name, raw)
            return default
        value = int(value) if integer else value
        if not low <= value <= high:
            self.notes.append(t("lesson.out_of_range", name=name, value=_shown(raw), low=f"{low:g}",
                                high=f"{high:g}"))
            return default
        return value

    def numbers(self, name, default, low, high):
        """A 'low,high' pair of floats (a range slider), in order."""
        raw = self.raw(name)
        if raw is None:
            return default
        parts = raw.split(",")
        try:
            values = [float(part) for part in parts]
        except ValueError:
            values = []
        if len(values) != 2 or not all(map(math.isfinite, values)):
            self._ignore(name, raw)
            return default
        if not all(low <= v <= high for v in values):
            self.notes.append(t("lesson.out_of_range", name=name, value=_shown(raw), low=f"{low:g}",
                                high=f"{high:g}"))
            return default
        return tuple(sorted(values))

    def choice(self, name, options, default):
        raw = self.raw(name)
        if raw is None:
            return default
        if name == "model":
            raw = canonical(raw)  # a link from before the `_report` names
        if raw not in options:
            self._ignore(name, raw)
            return default
        return raw

    def flag(self, name, default):
        raw = self.raw(name)
        if raw is None:
            return default
        if raw.lower() in TRUE | FALSE:
            return raw.lower() in TRUE
        self._ignore(name, raw)
        return default

    def setting(self, setting, default, choices=None):
        """A training setting (a row of weather_core's settings table) under its link key or an
        old one (`lr` for `learning_rate`); `choices` for texts the table does not list (model)."""
        key = next((k for k in (setting.link, *setting.old_keys) if k and self.raw(k) is not None), None)
        if key is None:
            return default
        if setting.kind is bool:
            return self.flag(key, default)
        if setting.kind is str:
            return self.choice(key, list(choices or setting.choices), default)
        return self.number(key, default, setting.low, setting.high, integer=setting.kind is int)

    def sets_any(self, settings) -> bool:
        """Whether the link gives any of these settings (a link that does says which recipe it is)."""
        return any(self.raw(k) is not None for s in settings if s.link for k in (s.link, *s.old_keys))

    def show(self):
        if self.notes:
            st.warning(t("lesson.notes", notes="; ".join(self.notes)), icon=":material/link:")


def url(page, values) -> str:
    """The full URL that opens `page` with `values` (booleans as 1/0) on the active dataset."""
    query = {key: int(value) if isinstance(value, bool) else value for key, value in values.items()}
    active = session.active_dataset_path()
    if active != settings.demo_dir():
        query["dataset"] = classroom.dataset_id(active)  # a fresh browser opens on the same photos
    if i18n.language() != "en":
        query["lang"] = i18n.language()  # the class opens the link in the instructor's language
    base = base_path()
    return f"{server_address() or base}/{page}?{urlencode(query)}"


def base_path() -> str:
    """The server's sub-path behind a proxy (server.baseUrlPath: '/weather'), '' at the root."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def server_address() -> str:
    """The address lesson links start with: the class's public address when the instructor set
    one, else scheme://host:port[/base path] as this browser reached the server; '' (a link
    relative to the server) when neither is usable by others: unknown, or this machine's own
    loopback address, which on a student's laptop would be the student's machine."""
    public = classroom.load().get("public_address")
    if isinstance(public, str) and public:
        return public
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001  (no browser behind this session)
        return ""
    host = parts.hostname or ""
    if not parts.scheme or not parts.netloc or host in ("localhost", "::1") or host.startswith("127."):
        return ""
    return f"{parts.scheme}://{parts.netloc}{base_path()}"  # behind a proxy: its sub-path too


def share(page, values):
    """An expander with the lesson link for the current values."""
    link = url(page, values)
    with st.expander(t("lesson.share"), icon=":material/share:"):
        st.caption(t("lesson.share_help") if link.startswith("/") else t("lesson.share_full"))
        st.code(link, language="text")
