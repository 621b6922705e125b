"""The chart builders of pages/ui (plain data in, plotly figure out), checked without Streamlit:
Compare's one colour and one legend entry per run with a line-style key, test bars with their
standard errors, per-class scores, parameters per layer, the layer diagram, and class names in
the UI language on every axis."""

import math

import pytest

from pages.ui import charts, compare_charts, i18n, model_charts
from weather_core.runs import comparison

ROWS = [{"epoch": 1, "accuracy": 0.5, "val_accuracy": 0.6, "loss": 1.2, "val_loss": 1.0, "best": True},
        {"epoch": 2, "accuracy": 0.7, "val_accuracy": 0.65, "loss": 0.9, "val_loss": 0.95, "best": True}]
REPORT = {"classes": ["cloudy", "rain", "shine", "sunrise"], "n": 10,
          "confusion_matrix": [[2, 1, 0, 0], [0, 3, 0, 0], [1, 0, 1, 0], [0, 0, 0, 2]],
          "per_class": {"cloudy": {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3},
                        "rain": {"precision": 0.75, "recall": 1.0, "f1": 6 / 7, "support": 3},
                        "shine": {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2},
                        "sunrise": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}}}


@pytest.fixture
def korean(monkeypatch):
    monkeypatch.setattr(i18n, "BARE_LANGUAGE", "ko")


def test_compare_curves_one_legend_entry_and_colour_per_run_and_one_line_key():
    series = [(f"run {i}", ROWS) for i in range(4)]
    fig = compare_charts.curves(series, "accuracy")
    legend = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert legend == ["run 0", "run 1", "run 2", "run 3", "train", "validation"]
    colours = {trace.name: trace.line.color for trace in fig.data if trace.name and trace.name.startswith("run")}
    assert len(set(colours.values())) == 4
    # two identical runs stay distinguishable: other marker shapes, thinner lines
    lines = [trace for trace in fig.data if trace.name in ("run 0", "run 1") and trace.line.dash == "solid"]
    assert lines[0].marker.symbol != lines[1].marker.symbol and lines[0].line.width > lines[1].line.width
    assert {trace.line.dash for trace in fig.data if trace.name == "run 2"} == {"dash", "solid"}


def test_test_bars_carry_one_standard_error_and_the_report_figures():
    fig = compare_charts.test_bars([("a", 0.9, 130), ("b", 0.5, 100), ("c", None, None)], [("Model 3", 0.9812)])
    first, second, third, report = fig.data
    assert first.error_x.array[0] == pytest.approx(math.sqrt(0.9 * 0.1 / 130))  # 0.0263
    assert second.error_x.array[0] == pytest.approx(0.05)
    assert third.error_x.visible is False
    assert first.marker.color != second.marker.color
    assert list(report.y) == ["Model 3"] and report.x[0] == 0.9812
    assert {trace.orientation for trace in fig.data} == {"h"}  # names on the left: they never overlap


def test_standard_error():
    assert comparison.standard_error(0.862, 130) == pytest.approx(0.03025, abs=1e-4)
    assert comparison.standard_error(None, 130) is None and comparison.standard_error(0.5, 0) is None


def test_runs_are_named_by_the_settings_that_differ():
    configs = [{"model": "model_3", "epochs": 20, "seed": 1, "packages": {"a": 1}},
               {"model": "model_3", "epochs": 40, "seed": 1, "packages": {"a": 2}},
               {"model": "model_1", "epochs": 40, "seed": 1},
               {"model": "model_1", "epochs": 40, "seed": 1}]
    names = comparison.run_names(configs, ["r1", "r2", "r3", "r4"])
    assert names == ["model_3 · epochs 20", "model_3 · epochs 40", "model_1 · epochs 40 #1",
                     "model_1 · epochs 40 #2"]
    assert comparison.run_names(configs[:1], ["only"]) == ["only"]
    assert comparison.run_names([{"augment": True}, {"augment": False}], ["a", "b"]) == ["augment on", "augment off"]


def test_per_class_scores_are_grouped_bars_of_the_report():
    fig = charts.per_class(REPORT)
    assert fig.layout.barmode == "group"
    assert [trace.name for trace in fig.data] == ["precision", "recall", "F1"]
    recall = fig.data[1]
    assert list(recall.y) == [2 / 3, 1.0, 0.5, 1.0]


def test_marked_confusion_cell_gets_a_frame():
    fig = charts.confusion_clickable(REPORT, marked=("shine", "cloudy"))
    (frame,) = fig.layout.shapes
    assert (frame.x0, frame.x1, frame.y0, frame.y1) == (-0.5, 0.5, 1.5, 2.5)
    assert charts.confusion_clickable(REPORT).layout.shapes == ()


def test_class_names_on_axes_are_korean_in_korean(korean):
    figures = [charts.confusion(REPORT), charts.per_class(REPORT), charts.counts_bar({"cloudy": 3, "rain": 2}),
               charts.probabilities({"cloudy": 0.6, "shine": 0.4})]
    for fig in figures:
        ticks = [*(fig.layout.xaxis.ticktext or ()), *(fig.layout.yaxis.ticktext or ())]
        assert ticks and not set(ticks) & {"cloudy", "rain", "shine", "sunrise"}, ticks
        assert "흐림" in ticks
    scatter = charts.size_scatter({"cloudy": [[600, 400]], "sunrise": [[300, 200]]})
    assert [trace.name for trace in scatter.data] == ["흐림", "일출"]


def test_params_per_layer_is_log_scaled_and_names_the_big_dense_layer():
    layers = [{"name": "conv2d", "type": "Conv2D", "output_shape": [248, 248, 32], "params": 896},
              {"name": "flatten", "type": "Flatten", "output_shape": [100], "params": 0},
              {"name": "dense", "type": "Dense", "output_shape": [64], "params": 14_745_664}]
    fig = model_charts.params_per_layer(layers)
    assert fig.layout.yaxis.type == "log"
    assert list(fig.data[0].y) == [896, None, 14_745_664]  # no bar for a layer without parameters
    assert list(fig.data[0].text) == ["896 (<1%)", "0", "14.7 M (100%)"]
    diagram = model_charts.layer_diagram(layers, selected="conv2d")
    boxes = diagram.data[-1]
    assert list(boxes.x) == ["conv2d", "flatten", "dense"]
    assert boxes.text[0] == "Conv2D<br>248×248×32"
    assert list(boxes.marker.line.width) == [4, 1, 1]
    assert boxes.marker.color[0] != boxes.marker.color[1]  # maps vs flat


def test_close_call_finds_an_unsure_prediction():
    from pages.ui import formatting

    assert formatting.close_call({"rain": 0.32, "cloudy": 0.315, "shine": 0.2, "sunrise": 0.165}) == (
        "rain", 0.32, "cloudy", 0.315)
    assert formatting.close_call({"rain": 0.6, "cloudy": 0.3, "shine": 0.1}) is None


def test_square_thumbnails_have_one_height(demo_raw):
    from pages.ui import widgets

    shapes = {widgets.square_thumbnail(str(path), 120).shape for path in sorted(demo_raw.glob("*.jpg"))[:5]}
    assert shapes == {(120, 120, 3)}


def test_korean_pages_break_between_words_and_labels_wrap():
    from pages.ui import style

    assert "word-break: keep-all" in style.css("ko") and "keep-all" not in style.css("en")
    assert "text-overflow: clip" in style.css("en")  # labels wrap instead of ending in "…"


def _srgb_to_linear(channel):
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _deuteranope(hex_colour):
    """A colour as a red-green colour-blind viewer sees it (Viénot, Brettel and Mollon 1999)."""
    r, g, b = (_srgb_to_linear(int(hex_colour[i:i + 2], 16)) for i in (1, 3, 5))
    return (0.29275 * r + 0.70725 * g, 0.29275 * r + 0.70725 * g, -0.02234 * r + 0.02234 * g + b)


def test_palette_stays_distinct_for_red_green_colour_blindness():
    """The run and class colours (not the baseline grey) differ for a deuteranope: the old palette's
    red #d1242f and green #1a7f37 come out nearly the same olive."""
    def distance(a, b):
        return math.dist(_deuteranope(a), _deuteranope(b))

    used = charts.COLOURS[:6]
    assert min(distance(a, b) for i, a in enumerate(used) for b in used[i + 1:]) > 0.1
    assert distance("#d1242f", "#1a7f37") < 0.1  # the check can fail: the old pair does


def test_colour_is_never_the_only_cue_for_a_run_or_a_class():
    fig = charts.curves([(f"run {i}", ROWS) for i in range(3)], "accuracy")
    symbols = {trace.marker.symbol for trace in fig.data if trace.mode == "lines+markers"}
    assert len(symbols) == 3
    patterns = [trace.marker.pattern.shape for trace in charts.per_class(REPORT).data]
    assert len(set(patterns)) == 3
    sizes = {"cloudy": [(10, 10)], "rain": [(20, 20)], "shine": [(30, 30)], "sunrise": [(5, 5)]}
    assert len({trace.marker.symbol for trace in charts.size_scatter(sizes).data}) == 4
