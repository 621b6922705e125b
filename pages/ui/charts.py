"""Plotly figures shared by the pages (training curves, confusion matrix, counts, feature maps)."""

from pages.ui import widgets

widgets.import_pandas()  # before plotly, which imports pandas too: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.i18n import class_short, t

# Okabe and Ito's palette, safe for every common colour-vision deficiency (yellow, too light on white,
# is left out; grey last, for baselines). Wherever colour tells classes or runs apart, a marker
# shape or bar pattern tells them apart too, so nothing rests on colour alone.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#7f7f7f"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star-triangle-up", "hexagon"]
PATTERNS = ["", "/", ".", "x", "-", "|", "+", "\\"]


def _layout(fig, title, y_title, x_title=None, percent_axis=False):
    fig.update_layout(title=title, height=380, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.2))
    fig.update_yaxes(title=y_title, tickformat=".0%" if percent_axis else None)
    fig.update_xaxes(title=x_title or t("chart.epoch"))
    return fig


def lr_drops(rows) -> list[int]:
    """Epochs whose learning rate is lower than the previous epoch's (ReduceLROnPlateau fired)."""
    drops = []
    for before, after in zip(rows, rows[1:]):
        if after.get("lr") is not None and before.get("lr") is not None and after["lr"] < before["lr"]:
            drops.append(after["epoch"])
    return drops


def best_epoch(rows):
    """The epoch whose model was kept (the last row marked `best`), else the highest val accuracy."""
    marked = [row for row in rows if row.get("best") and row.get("val_accuracy") is not None]
    if marked:
        return marked[-1]
    scored = [row for row in rows if row.get("val_accuracy") is not None]
    return max(scored, key=lambda row: row["val_accuracy"], default=None)


def curves(series, metric, references=None):
    """Train (dashed) and validation (solid) `metric` per epoch for [(label, metrics rows)], with
    the best epoch starred on the validation accuracy and learning-rate drops as dotted lines."""
    fig = go.Figure()
    for index, (label, rows) in enumerate(series):
        colour, symbol = COLOURS[index % len(COLOURS)], SYMBOLS[index % len(SYMBOLS)]
        epochs = [row["epoch"] for row in rows]
        for key, dash, name in ((metric, "dash", t("chart.train")), (f"val_{metric}", "solid", t("chart.val"))):
            values = [row.get(key) for row in rows]
            fig.add_trace(go.Scatter(x=epochs, y=values, mode="lines+markers", name=f"{label} {name}",
                                     line=dict(color=colour, dash=dash), marker=dict(symbol=symbol)))
        best = best_epoch(rows) if metric == "accuracy" else None
        if best is not None:
            fig.add_trace(go.Scatter(x=[best["epoch"]], y=[best["val_accuracy"]], mode="markers",
                                     name=f"{label} {t('chart.best')}".strip(),
                                     marker=dict(symbol="star", size=15, color=colour,
                                                 line=dict(color="#24292f", width=1))))
        for epoch in lr_drops(rows):
            fig.add_vline(x=epoch - 0.5, line=dict(color=colour, dash="dot", width=1),
                          annotation_text=t("chart.lr_drop"), annotation_position="top left")
    for label, value in (references or []):
        fig.add_hline(y=value, line=dict(color="#57606a", dash="dot", width=1),
                      annotation_text=label, annotation_position="bottom left",
                      annotation_font=dict(size=11, color="#57606a"))
    title = t("chart.accuracy") if metric == "accuracy" else t("chart.loss")
    return _layout(fig, title, title, percent_axis=metric == "accuracy")


def _class_ticks(axis, classes):
    """Axis ticks that show each class in the UI language while the data keeps English names."""
    axis(tickmode="array", tickvals=list(classes), ticktext=[class_short(c) for c in classes])


def confusion(report):
    """Heatmap of a confusion matrix (rows true, columns predicted) with counts written in."""
    classes, matrix = report["classes"], report["confusion_matrix"]
    fig = go.Figure(go.Heatmap(z=matrix, x=classes, y=classes, colorscale="Blues", showscale=False,
                               text=matrix, texttemplate="%{text}"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=45, b=10),
                      title=t("chart.confusion", n=report.get("n", 0)))
    fig.update_xaxes(title=t("chart.predicted"))
    fig.update_yaxes(title=t("chart.true"))
    _class_ticks(fig.update_xaxes, classes)
    _class_ticks(fig.update_yaxes, classes)
    return fig


def per_class(report):
    """Precision, recall and F1 of every class as grouped bars (evaluation.json's per_class)."""
    classes, scores = report["classes"], report.get("per_class") or {}
    fig = go.Figure()
    for index, metric in enumerate(("precision", "recall", "f1")):
        values = [scores.get(c, {}).get(metric) for c in classes]
        fig.add_trace(go.Bar(x=classes, y=values, name=t(f"chart.{metric}"), marker_color=COLOURS[index],
                             marker_pattern_shape=PATTERNS[index],
                             text=[f"{v:.0%}" if v is not None else "" for v in values],
                             textposition="inside", textangle=0))
    fig.update_layout(barmode="group", height=380, margin=dict(l=10, r=10, t=45, b=10),
                      title=t("chart.per_class_scores"),
                      legend=dict(orientation="h", yanchor="top", y=-0.12, x=0.5, xanchor="center"))
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    _class_ticks(fig.update_xaxes, classes)
    return fig


def confusion_clickable(report, marked=None):
    """The confusion matrix for st.plotly_chart(on_select=...): plotly heat maps report no clicks,
    so an invisible marker sits on every cell; with no hover cut-off, a click anywhere in a cell
    selects its marker, whose x is the predicted and y the true class. `marked`, a (true,
    predicted) pair, gets a frame that stays while its photos are shown."""
    fig = confusion(report)
    fig.update_traces(hoverinfo="skip")
    classes = report["classes"]
    cells = [(true, predicted) for true in classes for predicted in classes]
    fig.add_trace(go.Scatter(x=[p for _, p in cells], y=[tr for tr, _ in cells], mode="markers",
                             customdata=[[class_short(tr), class_short(p)] for tr, p in cells],
                             hovertemplate=t("chart.cell_hover") + "<extra></extra>", showlegend=False,
                             marker=dict(symbol="square", size=40, opacity=0, color="#000")))
    fig.update_layout(hoverdistance=-1)
    if marked and all(c in classes for c in marked):
        row, column = classes.index(marked[0]), classes.index(marked[1])
        fig.add_shape(type="rect", x0=column - 0.5, x1=column + 0.5, y0=row - 0.5, y1=row + 0.5,
                      line=dict(color="#d1242f", width=4), xref="x", yref="y")
    fig.update_xaxes(fixedrange=True)
    fig.update_yaxes(fixedrange=True)
    return fig


def counts_bar(counts):
    fig = go.Figure(go.Bar(x=list(counts), y=list(counts.values()), text=list(counts.values()),
                           marker_color=COLOURS[0]))
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=45, b=10), title=t("chart.per_class"))
    _class_ticks(fig.update_xaxes, counts)
    return fig


def size_scatter(dimensions):
    """Width x height of the photos, one colour per class (health's `dimensions`)."""
    fig = go.Figure()
    for index, (name, sizes) in enumerate(dimensions.items()):
        fig.add_trace(go.Scattergl(x=[w for w, _ in sizes], y=[h for _, h in sizes], mode="markers",
                                   name=class_short(name), marker=dict(color=COLOURS[index % len(COLOURS)],
                                                                       symbol=SYMBOLS[index % len(SYMBOLS)],
                                                                       size=6, opacity=0.6)))
    fig.update_layout(title=t("chart.sizes"), height=380, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1.0, xanchor="right"))
    fig.update_xaxes(title=t("chart.width"))
    fig.update_yaxes(title=t("chart.height"))
    return fig


def feature_maps(layers):
    """Spatial size (bars) and channels (line, right axis) after each layer."""
    names = [layer["name"] for layer in layers]
    spatial = [layer["output_shape"][0] if len(layer["output_shape"]) == 3 else None for layer in layers]
    channels = [layer["output_shape"][-1] for layer in layers]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=names, y=spatial, name=t("chart.spatial"), marker_color=COLOURS[0]))
    fig.add_trace(go.Scatter(x=names, y=channels, name=t("chart.channels"), yaxis="y2",
                             mode="lines+markers", line=dict(color=COLOURS[1])))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=45, b=10), title=t("chart.shapes"),
                      yaxis=dict(title=t("chart.spatial")),
                      yaxis2=dict(title=t("chart.channels"), overlaying="y", side="right", type="log",
                                  dtick=1, tickformat="~s", showgrid=False),
                      legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0.6))
    return fig


def probabilities(probs):
    names = list(probs)
    values = [probs[name] for name in names]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=COLOURS[0],
                           text=[f"{v:.1%}" for v in values], textposition="auto"))
    fig.update_layout(height=200, margin=dict(l=10, r=10, t=10, b=10))
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    _class_ticks(fig.update_yaxes, names)
    return fig
