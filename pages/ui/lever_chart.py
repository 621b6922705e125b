"""The Train page's lever chart: what each change to the `quick` recipe bought, cross-validated
(scripts/bench_recipes.py --lever), as bars with +-1 standard error beside the baseline's."""

import streamlit as st

from pages.ui import widgets

widgets.import_pandas()  # before plotly: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.charts import COLOURS  # noqa: E402
from pages.ui.i18n import t  # noqa: E402
from weather_core.training import recipes


def figure(levers):
    """Horizontal bars (accuracy, +-1 SE) for the bench's levers; the baseline grey, with a line."""
    baseline = next((lever for lever in levers if not lever["options"]), None)
    labels = [t("levers.label", name=lever["name"], seeds=len(lever["seeds"]),
                time=f"{lever['seconds']:.0f}") for lever in levers]
    fig = go.Figure(go.Bar(
        y=labels, x=[lever["accuracy"] for lever in levers], orientation="h",
        error_x=dict(type="data", array=[lever["standard_error"] for lever in levers]),
        marker_color=[COLOURS[7] if lever is baseline else COLOURS[0] for lever in levers],
        text=[f"{100 * lever['accuracy']:.1f} %" for lever in levers], textposition="inside",
        hovertext=[lever["options"] or t("levers.baseline") for lever in levers]))
    low = min(lever["accuracy"] - 2 * lever["standard_error"] for lever in levers)
    fig.update_xaxes(range=[max(0.0, low - 0.02), 1.0], tickformat=".0%",
                     title=t("levers.axis"))
    if baseline:
        fig.add_vline(x=baseline["accuracy"], line_dash="dash", line_color=COLOURS[7])
    fig.update_layout(title=t("levers.title"), height=120 + 40 * len(levers),
                      margin=dict(l=10, r=10, t=45, b=10))
    return fig


def section():
    """The chart in an expander under the recipe picker, or nothing when no lever was measured."""
    levers = recipes.levers()
    if not levers:
        return
    with st.expander(t("levers.expander")):
        st.plotly_chart(figure(levers), key="lever-chart", alt=t("alt.levers"))
        st.caption(t("levers.caption", n=levers[0]["n"], folds=levers[0]["folds"]))
