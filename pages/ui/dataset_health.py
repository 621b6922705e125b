"""The Dataset page's health report: formats and colour modes in full, image sizes as a scatter
per class, files to look at, and each duplicate group as thumbnails side by side with its splits."""

import streamlit as st

from pages.ui import formatting, i18n, widgets
from pages.ui.i18n import t

GROUPS_SHOWN = 8  # duplicate groups shown openly; the rest wait in an expander
THUMB = 110


def counts_line(counts) -> str:
    return " · ".join(f"{name} **{n}**" for name, n in counts.items()) or "–"


def overview(report):
    imbalance = report["imbalance"]
    cols = st.columns([1, 2, 2])
    cols[0].metric(t("dataset.imbalance"), f"{imbalance['ratio']}×" if imbalance["ratio"] else "–")
    cols[1].markdown(f"**{t('dataset.formats')}**  \n{counts_line(report['formats'])}")
    cols[2].markdown(f"**{t('dataset.modes')}**  \n{counts_line(report['modes'])}")


def sizes(report):
    from pages.ui import charts

    sizes_, dimensions = report.get("sizes") or {}, report.get("dimensions")
    if dimensions:
        st.plotly_chart(charts.size_scatter(dimensions), key="dataset-sizes", alt=t("alt.image_sizes"))
    if sizes_:
        st.caption(t("dataset.sizes", w=sizes_["width"], h=sizes_["height"],
                     small=sizes_["smallest"], large=sizes_["largest"]))


def odd_files(report):
    for key in ("mismatched_extension", "animated", "unreadable"):
        if report.get(key):
            st.warning(t(f"dataset.{key}", n=len(report[key])))
            rows = [row if isinstance(row, dict) else {"file": row} for row in report[key]]
            st.dataframe([{t(f"dataset.col.{k}") if i18n.has_text(f"dataset.col.{k}") else k: v
                           for k, v in row.items()} for row in rows], hide_index=True)


def group_row(prepared, group):
    """One duplicate group: its photos side by side, each captioned with its split."""
    splits = group.get("splits") or [None] * len(group["files"])
    leaking = len(set(splits)) > 1
    kind = t(f"dataset.kind.{group['kind']}")
    st.markdown(t("dataset.group_leaks" if leaking else "dataset.group_together", kind=kind, n=len(group["files"])))
    paths = [prepared / "sorted" / name for name in group["files"]]
    shown = [(p, s) for p, s in zip(paths, splits) if p.is_file()]
    if shown:
        with widgets.shown_errors():
            st.image([widgets.square_thumbnail(str(p), THUMB, p.stat().st_mtime) for p, _ in shown], width=THUMB,
                     caption=[f"{formatting.plain(p.name)} · {formatting.split_label(s) if s else '–'}" for p, s in shown],
                     alt=[t("alt.group_photo", file=p.name, split=formatting.split_label(s) if s else "–")
                          for p, s in shown])


def duplicate_groups(prepared, summary, report):
    groups = report.get("duplicate_groups")
    if groups is None:  # a prepared.json from before the perceptual hash
        st.markdown(t("dataset.duplicates", n=len(report["duplicates"])))
        return
    exact = sum(g["kind"] == "exact" for g in groups)
    st.markdown(t("dataset.groups", n=len(groups), exact=exact, near=len(groups) - exact))
    twins = summary.get("cross_split_twins", 0)
    if twins:
        st.error(t("dataset.twins_leak", n=twins))
    elif groups:
        st.success(t("dataset.twins_together"))
    leaking_first = sorted(groups, key=lambda g: len(set(g.get("splits") or [])) <= 1)
    for group in leaking_first[:GROUPS_SHOWN]:
        group_row(prepared, group)
    if len(groups) > GROUPS_SHOWN:
        with st.expander(t("dataset.more_groups", n=len(groups) - GROUPS_SHOWN)):
            for group in leaking_first[GROUPS_SHOWN:]:
                group_row(prepared, group)


def section(prepared, summary):
    report = summary["health"]
    st.header(t("dataset.health"))
    overview(report)
    st.caption(formatting_balance(report["imbalance"]))
    sizes(report)
    odd_files(report)
    st.header(t("dataset.duplicates_title"))
    duplicate_groups(prepared, summary, report)


def formatting_balance(imbalance) -> str:
    """health.imbalance's note for students, in the UI language, from its code."""
    code = imbalance.get("code")
    if code is None or not i18n.has_text(f"dataset.balance.{code}"):
        return imbalance["note"]
    return t(f"dataset.balance.{code}", cls=i18n.class_label(imbalance.get("smallest")))
