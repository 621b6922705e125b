"""Compare's figures for any number of runs: curves with one colour per run (train dashed,
validation solid, one small key for the line styles) and test accuracy per run with +-1 standard
error beside the report's figures. Pure functions of plain data."""

from pages.ui import widgets

widgets.import_pandas()  # before plotly: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.charts import COLOURS, SYMBOLS, best_epoch  # noqa: E402
from pages.ui.i18n import t  # noqa: E402
from weather_core.runs import comparison

KEY_COLOUR = "#57606a"
REPORT_COLOUR = "#afb8c1"


def run_colour(index) -> str:
    return COLOURS[index % len(COLOURS)]


def _line_key(fig):
    """Two grey legend entries that say which line style is which, once for all runs."""
    for dash, name in (("dash", t("chart.train")), ("solid", t("chart.val"))):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name, legendgroup="key",
                                 line=dict(color=KEY_COLOUR, dash=dash)))


def curves(series, metric, references=()):
    """Train (dashed) and validation (solid) `metric` per epoch for [(name, metrics rows)]: one
    colour, marker shape and legend entry per run; later runs drawn thinner, so two identical
    runs both stay visible; the best epoch starred on the accuracy plot."""
    fig = go.Figure()
    for index, (name, rows) in enumerate(series):
        colour, symbol = run_colour(index), SYMBOLS[index % len(SYMBOLS)]
        epochs = [row["epoch"] for row in rows]
        width = max(1.0, 3.5 - index * 0.7)
        for key, dash in ((metric, "dash"), (f"val_{metric}", "solid")):
            fig.add_trace(go.Scatter(x=epochs, y=[row.get(key) for row in rows], mode="lines+markers",
                                     name=name, legendgroup=f"run{index}", showlegend=key != metric,
                                     line=dict(color=colour, dash=dash, width=width),
                                     marker=dict(symbol=symbol, size=7, color=colour)))
        best = best_epoch(rows) if metric == "accuracy" else None
        if best is not None:
            fig.add_trace(go.Scatter(x=[best["epoch"]], y=[best["val_accuracy"]], mode="markers",
                                     legendgroup=f"run{index}", showlegend=False, hoverinfo="skip",
                                     marker=dict(symbol="star", size=15, color=colour,
                                                 line=dict(color="#24292f", width=1))))
    _line_key(fig)
    for label, value in references:
        fig.add_hline(y=value, line=dict(color=KEY_COLOUR, dash="dot", width=1), annotation_text=label,
                      annotation_position="bottom left", annotation_font=dict(size=10, color=KEY_COLOUR))
    title = t("chart.accuracy") if metric == "accuracy" else t("chart.loss")
    fig.update_layout(title=title, height=460, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.18, font=dict(size=11)))
    fig.update_xaxes(title=t("chart.epoch"), dtick=1 if max((len(r) for _, r in series), default=0) <= 12 else None)
    fig.update_yaxes(title=title, tickformat=".0%" if metric == "accuracy" else None)
    return fig


def test_bars(runs, reported=()):
    """Test accuracy per run [(name, accuracy, n)] with +-1 standard error, then the report's
    figures [(label, value)] as grey bars (measured on its validation set: no error bar). Bars lie
    flat, names on the left: long run names never overlap, at any width or number of runs."""
    fig = go.Figure()
    for index, (name, accuracy, n) in enumerate(runs):
        error = comparison.standard_error(accuracy, n)
        fig.add_trace(go.Bar(y=[name], x=[accuracy], name=name, orientation="h", marker_color=run_colour(index),
                             error_x=dict(type="data", array=[error or 0], visible=error is not None),
                             text=[f"{accuracy:.1%}" if accuracy is not None else "–"],
                             textposition="inside", insidetextanchor="start", showlegend=False))
    if reported:
        fig.add_trace(go.Bar(y=[label for label, _ in reported], x=[value for _, value in reported],
                             orientation="h", marker_color=REPORT_COLOUR, name=t("compare.report_bars"),
                             text=[f"{value:.1%}" for _, value in reported], textposition="inside",
                             insidetextanchor="start"))
    bars = len(runs) + len(reported)
    fig.update_layout(title=t("compare.test_chart"), height=110 + 42 * bars, margin=dict(l=10, r=10, t=45, b=10),
                      showlegend=bool(reported), bargap=0.3,
                      legend=dict(orientation="h", yanchor="top", y=-0.25, x=1.0, xanchor="right"))
    fig.update_xaxes(range=[0, 1.05], tickformat=".0%", title=t("chart.accuracy"))
    fig.update_yaxes(autorange="reversed", automargin=True)  # the first run on top, as in the table
    return fig
