"""The Models page's figures from a model's layer table (weather_core.models.summary): parameters
per layer on a log scale, and a clickable diagram of the layers with their output shapes."""

from pages.ui import widgets

widgets.import_pandas()  # before plotly: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.charts import COLOURS  # noqa: E402
from pages.ui.i18n import t  # noqa: E402

SPATIAL_COLOUR, FLAT_COLOUR = COLOURS[0], COLOURS[3]


def short_count(n) -> str:
    """14_745_728 -> "14.7 M", 896 -> "896"."""
    for size, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= size:
            return f"{n / size:.1f}{suffix}"
    return str(int(n))


def share(fraction) -> str:
    return f"{fraction:.0%}" if fraction >= 0.01 else "<1%"


def shape_text(shape) -> str:
    return "×".join(str(v) for v in shape)


def params_per_layer(layers):
    """One bar per layer with parameters, log scale (a layer without parameters has no bar),
    each labelled with its count and its share of the model's total."""
    total = sum(layer["params"] for layer in layers) or 1
    names = [layer["name"] for layer in layers]
    values = [layer["params"] or None for layer in layers]
    texts = [f"{short_count(v)} ({share(v / total)})" if v else "0" for v in (layer["params"] for layer in layers)]
    fig = go.Figure(go.Bar(x=names, y=values, text=texts, textposition="outside", marker_color=COLOURS[0],
                           cliponaxis=False))
    fig.update_layout(title=t("chart.params"), height=380, margin=dict(l=10, r=10, t=45, b=10))
    fig.update_yaxes(type="log", title=t("chart.param_count"), tickformat="~s")
    fig.update_xaxes(tickangle=-35, automargin=True)
    return fig


def has_maps(layer) -> bool:
    """A layer whose output still has width and height (convolution, pooling, BatchNorm)."""
    return len(layer["output_shape"]) == 3


def layer_diagram(layers, selected=None):
    """The layers left to right as boxes sized by their output's width, each named with its type
    and output shape; layers with feature maps are blue and clickable (x is the layer's name),
    flat ones orange; `selected` gets a red frame."""
    widest = max((layer["output_shape"][0] for layer in layers if has_maps(layer)), default=1)
    names = [layer["name"] for layer in layers]
    sizes = [18 + 42 * (layer["output_shape"][0] / widest) ** 0.5 if has_maps(layer) else 14 for layer in layers]
    colours = [SPATIAL_COLOUR if has_maps(layer) else FLAT_COLOUR for layer in layers]
    labels = [f"{layer['type']}<br>{shape_text(layer['output_shape'])}" for layer in layers]
    fig = go.Figure(go.Scatter(
        x=names, y=[0] * len(layers), mode="markers+text", text=labels,
        textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(layers))],
        textfont=dict(size=10), marker=dict(symbol="square", size=sizes, color=colours,
                                            line=dict(color=["#d1242f" if n == selected else "#24292f" for n in names],
                                                      width=[4 if n == selected else 1 for n in names])),
        hovertemplate="%{x}<br>%{text}<extra></extra>", showlegend=False, cliponaxis=False))
    fig.add_trace(go.Scatter(x=names, y=[0] * len(layers), mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color="#afb8c1", width=2)))
    fig.data = fig.data[::-1]  # the connecting line under the boxes
    fig.update_layout(title=t("chart.diagram"), height=300, margin=dict(l=10, r=10, t=45, b=10),
                      clickmode="event+select", dragmode=False)
    fig.update_yaxes(visible=False, range=[-1.3, 1.3], fixedrange=True)
    fig.update_xaxes(tickangle=-35, fixedrange=True, automargin=True)
    return fig
