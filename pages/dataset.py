"""Dataset: sort photos into classes by file name, split them, and check the data's health."""

import hashlib
from pathlib import Path

import streamlit as st

from pages.ui import dataset_health, formatting, i18n, identity, session, widgets
from pages.ui.i18n import t
from weather_core import data, settings
from weather_core.data import demo, quota
from weather_core.jobs import classroom

RATIOS = {"default": (0.7, 0.15, 0.15), "report": (0.7, 0.3)}
THUMBS_PER_CLASS = 6


def choose_source():
    kind = st.radio(t("dataset.source"), ["demo", "folder", "zip"], horizontal=True,
                    format_func=lambda k: t(f"dataset.source.{k}"))
    if kind == "folder":
        roots = settings.allowed_source_roots()
        return kind, st.text_input(t("dataset.folder"), value=str(roots[-1]) if len(roots) > 1 else "",
                                   help=t("dataset.folder_help", roots=", ".join(map(str, roots))))
    if kind == "zip":
        return kind, st.file_uploader(t("dataset.zip"), type=["zip"])
    return kind, None


def choose_split():
    preset = st.radio(t("dataset.ratio"), ["default", "report", "custom"], horizontal=True,
                      format_func=lambda k: t(f"dataset.ratio.{k}"))
    if preset != "custom":
        ratio = RATIOS[preset]
    else:
        cols = st.columns(3)
        values = [col.number_input(t(f"dataset.ratio.{name}"), 0.0, 1.0, default, 0.05, key=f"ratio_{name}")
                  for col, name, default in zip(cols, ("train", "val", "test"), RATIOS["default"])]
        ratio = tuple(values) if values[2] > 0 else tuple(values[:2])
    seed = st.number_input(t("dataset.seed"), min_value=0, max_value=2**31 - 1, value=123, step=1)
    leak = preset == "report" and st.checkbox(t("dataset.leak_split"), value=False)
    return ratio, int(seed), not leak


def resolve_source(kind, value):
    """(source folder or zip, short name); raises ValueError with a message for users."""
    if kind == "demo":
        return demo.ensure_demo_dataset().parent / "raw", "demo"
    if kind == "folder":
        if not (value or "").strip():
            raise ValueError(t("dataset.no_folder"))
        path = Path(value.strip()).expanduser().resolve()
        if not settings.is_allowed_source(path):
            raise ValueError(t("dataset.folder_refused", roots=", ".join(map(str, settings.allowed_source_roots()))))
        return path, path.name
    if value is None:
        raise ValueError(t("dataset.no_zip"))
    content = value.getvalue()
    name = session.slug(Path(value.name).stem)
    saved = settings.uploads_root() / f"{name}-{hashlib.sha1(content).hexdigest()[:8]}.zip"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(content)
    return saved, name


def prepare(kind, value, ratio, seed, keep_twins_together=True):
    summary = None
    with widgets.shown_errors(), st.status(t("dataset.preparing"), expanded=True) as status:
        src, name = resolve_source(kind, value)
        leaky = "" if keep_twins_together else "-leaky"
        out = settings.prepared_root() / session.slug(f"{name}-{'-'.join(f'{r:g}' for r in ratio)}-s{seed}{leaky}")
        try:
            summary = data.prepare(src, out, ratio=ratio, seed=seed, keep_twins_together=keep_twins_together,
                                   storage=quota.storage_for(identity.current_user()),
                                   progress=widgets.stage_bars(status, "dataset.stage"))
        finally:
            if kind == "zip":  # the prepared copy holds every photo; the upload is not kept
                src.unlink(missing_ok=True)
        status.update(label=t("dataset.prepared_short", n=sum(summary["classes"].values())), state="complete",
                      expanded=False)
        classroom.record_dataset_owner(out, identity.current_user())
        session.set_active_dataset(out)
    if summary is not None:  # outside the (collapsed) status box
        st.success(t("dataset.prepared", n=sum(summary["classes"].values()), name=formatting.plain(out.name)))


def thumbnails(prepared):
    st.header(t("dataset.thumbnails"))
    folders = sorted(p for p in (prepared / "sorted").glob("*") if p.is_dir() and not data.is_hidden(p.name))
    for folder in folders:
        files = sorted(folder.iterdir())[:THUMBS_PER_CLASS]
        st.caption(i18n.class_label(folder.name))
        with widgets.shown_errors():
            st.image([widgets.square_thumbnail(str(f), 120, f.stat().st_mtime) for f in files], width=110,
                     caption=[formatting.plain(f.name) for f in files],
                     alt=[t("alt.thumbnail", cls=i18n.class_label(folder.name), file=f.name) for f in files])


def split_table(summary):
    pd = widgets.import_pandas()

    table = pd.DataFrame(summary["splits"]).fillna(0).astype(int)
    table = table.rename(columns=lambda split: t(f"dataset.col.{split}") if i18n.has_text(f"dataset.col.{split}")
                         else split)
    total = t("dataset.col.total")
    table[total] = table.sum(axis=1)
    table.loc[total] = table.sum(axis=0)
    return table.rename(index=lambda name: i18n.class_label(name) if name != total else name)


def skip_reason(row) -> str:
    """A skipped file's reason in the UI language, from weather_core's code and parameters (a
    prepared.json from before the codes shows its English text)."""
    code = row.get("code")
    if code is None or not i18n.has_text(f"dataset.skip.{code}"):
        return row["reason"]
    params = {key: value for key, value in row.items() if key not in ("file", "reason", "code")}
    if code == "not_image" and not params.get("ext"):
        params["ext"] = t("dataset.skip.no_extension")
    return t(f"dataset.skip.{code}", **params)


def skipped_rows(skipped):
    return [{t("dataset.col.file"): row["file"], t("dataset.col.reason"): skip_reason(row)}
            for row in skipped]


def show(prepared, summary):
    st.header(t("dataset.active", name=formatting.plain(session.dataset_label(prepared))))
    st.caption(t("dataset.summary_line", source=formatting.plain(settings.shown_path(summary["source"])), seed=summary["seed"],
                 ratio=" / ".join(f"{r:g}" for r in summary["ratio"])))
    if summary.get("keep_twins_together") is False:
        st.warning(t("dataset.leaky"), icon=":material/warning:")
    from pages.ui import charts

    left, right = st.columns(2)
    left.plotly_chart(charts.counts_bar(summary["classes"]), alt=t("alt.class_counts"))
    right.markdown(t("dataset.split_counts"))
    right.dataframe(split_table(summary))
    if "test" not in summary["splits"]:
        right.warning(t("dataset.no_test_split"))
    st.info(t("dataset.why_test"))
    thumbnails(prepared)
    st.header(t("dataset.skipped", n=len(summary["skipped"])))
    if summary["skipped"]:
        st.dataframe(skipped_rows(summary["skipped"]), hide_index=True)
    if summary.get("renamed"):
        st.caption(t("dataset.renamed", n=len(summary["renamed"])))
        st.dataframe([{t("dataset.col.file"): row["file"], t("dataset.col.kept_as"): row["as"]}
                      for row in summary["renamed"]], hide_index=True)

    dataset_health.section(prepared, summary)


st.title(t("dataset.title"))
st.markdown(t("dataset.intro"))
with st.container(border=True):
    source = choose_source()
    ratio, seed, together = choose_split()
    if st.button(t("dataset.run"), type="primary"):
        prepare(*source, ratio, seed, together)
prepared, summary = session.load_active_summary()
if summary:
    show(prepared, summary)
