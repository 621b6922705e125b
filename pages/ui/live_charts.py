"""The Train page's live curves: training loss/accuracy every few batches (progress.jsonl) between
the per-epoch validation points (metrics.jsonl), for one run or an ablation pair overlaid."""

import math

from pages.ui import widgets

widgets.import_pandas()  # before plotly, which imports pandas too: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.charts import COLOURS, SYMBOLS  # noqa: E402
from pages.ui.i18n import t  # noqa: E402

# One run: train blue (a thin line), validation vermilion (thick, with markers); several runs: a
# colour and a marker shape per run, train dotted and validation solid.
TRAIN_COLOUR, VAL_COLOUR = COLOURS[0], COLOURS[1]


def training_points(progress_rows, epoch_rows, metric):
    """(x, y) of the training curve: batch-level rows where there are any, else the epoch rows.
    Epoch rows sit at the end of their epoch (x = 1, 2, ...), as batch rows do at x = 1.25, ..."""
    rows = [r for r in progress_rows if r.get(metric) is not None]
    if not rows:
        rows = [r for r in epoch_rows if r.get(metric) is not None]
    return [r["epoch"] for r in rows], [r[metric] for r in rows]


def validation_points(epoch_rows, metric):
    rows = [r for r in epoch_rows if r.get(f"val_{metric}") is not None]
    return [r["epoch"] for r in rows], [r[f"val_{metric}"] for r in rows]


def live_curves(series, metric):
    """series: [(label, progress rows, epoch rows)]. One run: train and validation in two colours;
    several runs: a colour per run, train dotted and validation solid."""
    fig = go.Figure()
    single = len(series) == 1
    for index, (label, progress_rows, epoch_rows) in enumerate(series):
        run_colour = COLOURS[index % len(COLOURS)]
        x, y = training_points(progress_rows, epoch_rows, metric)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", name=f"{label} {t('chart.train')}".strip(),
            line=dict(color=TRAIN_COLOUR if single else run_colour, width=1.5,
                      dash="solid" if single else "dot")))
        x, y = validation_points(epoch_rows, metric)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=f"{label} {t('chart.val')}".strip(),
            line=dict(color=VAL_COLOUR if single else run_colour, width=2.5),
            marker=dict(size=7, symbol=SYMBOLS[index % len(SYMBOLS)])))
    title = t("chart.accuracy") if metric == "accuracy" else t("chart.loss")
    fig.update_layout(title=title, height=340, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    # Whole epochs only on the axis: a tick at 0.5 reads as "half an epoch was validated".
    fig.update_xaxes(title=t("chart.epoch"), tickmode="linear", tick0=0, dtick=_tick_step(series),
                     rangemode="tozero")
    if metric == "accuracy":  # 0 to 100 % from the first point: no "-50 %" while the chart is empty
        fig.update_yaxes(title=title, tickformat=".0%", range=[0, 1.02])
    else:
        fig.update_yaxes(title=title, rangemode="tozero")
    return fig


def _tick_step(series) -> int:
    """1 up to 10 epochs, then a step that keeps about ten ticks."""
    last = max((float(rows[-1]["epoch"]) for _, progress, epochs in series
                for rows in (progress, epochs) if rows), default=1.0)
    return max(1, math.ceil(last / 10))
