"""The Leaderboard's dot plot: each finished run's test accuracy with +-1 standard error against
its training time, one colour and marker shape per recipe, the runs tied with the top ringed."""

from pages.ui import widgets

widgets.import_pandas()  # before plotly: see widgets.import_pandas
import plotly.graph_objects as go  # noqa: E402

from pages.ui.charts import COLOURS, SYMBOLS  # noqa: E402
from pages.ui.i18n import t  # noqa: E402


def figure(board):
    """board: classroom.leaderboard rows. One trace per recipe; the top run starred, runs within
    one standard error of it drawn with a thick ring (and named so in their hover text)."""
    fig = go.Figure()
    recipes = sorted({legend_name(row) for row in board})
    for index, recipe in enumerate(recipes):
        rows = [row for row in board if legend_name(row) == recipe]
        fig.add_trace(go.Scatter(
            x=[row["seconds"] for row in rows], y=[row["test_accuracy"] for row in rows],
            mode="markers", name=recipe,
            error_y=dict(type="data", array=[row["standard_error"] or 0 for row in rows]),
            marker=dict(size=[18 if row["rank"] == 1 else 12 for row in rows],
                        color=COLOURS[index % 7], line=dict(color="#000000", width=[
                            3 if row["tied"] or row["rank"] == 1 else 0 for row in rows]),
                        symbol=["star" if row["rank"] == 1 else SYMBOLS[index % len(SYMBOLS)] for row in rows]),
            hovertext=[hover(row) for row in rows], hoverinfo="text"))
    fig.update_layout(title=t("leaderboard.chart"), height=420, margin=dict(l=10, r=10, t=45, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.18, title=t("leaderboard.col.recipe")))
    fig.update_xaxes(title=t("leaderboard.time_axis"), rangemode="tozero")
    fig.update_yaxes(title=t("leaderboard.col.test"), tickformat=".0%")
    return fig


def legend_name(row) -> str:
    """The recipe, or "custom (from quick)" when the run changed its settings: never one label
    over runs that trained differently."""
    if not row["recipe"]:
        return "–"
    return t("leaderboard.custom_short", recipe=row["recipe"]) if row["custom"] else row["recipe"]


def hover(row) -> str:
    standing = t("leaderboard.top") if row["rank"] == 1 else t("leaderboard.tied") if row["tied"] else ""
    return f"#{row['rank']} {row['owner'] or '–'} · {row['model']} · {row['run']} {standing}".strip()
