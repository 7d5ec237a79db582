"""The statistics' charts, drawn on the server as SVG by pygal (R-LEAD-03).

A chart is an image of one table, drawn from the table's shown numbers: a hidden count is a
gap, never a bar, so the picture reveals no more than the table next to it. The SVG carries
pygal's stylesheet inside it but no script (pygal's configuration script is removed): the
page shows it through <img>, where nothing in it could run anyway.
"""

from xml.etree import ElementTree

import pygal
from pygal.style import Style

from stats.tables import CATEGORIES_CHART, Table

SVG = "http://www.w3.org/2000/svg"

# Designsystemet's data colours are not published as a palette; these are distinct for the
# common colour-vision deficiencies (Okabe and Ito) and dark enough against white.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1e2b3c",
    foreground_strong="#1e2b3c",
    foreground_subtle="#5d6b7d",
    font_family="Inter, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    colors=("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"),
)


def draw(table: Table) -> str:
    """The table as a stacked bar chart: its rows along the axis, a colour per column."""
    horizontal = table.spec.chart == CATEGORIES_CHART
    kind = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    rows = list(reversed(table.rows)) if horizontal else table.rows
    chart = kind(
        style=STYLE,
        js=[],
        width=800,
        height=max(360, 40 * len(rows) + 160) if horizontal else 420,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=40,
        truncate_label=30,
        x_label_rotation=0 if horizontal else 40,
        print_values=False,
        show_minor_x_labels=True,
        margin=16,
        disable_xml_declaration=True,
        explicit_size=False,
    )
    chart.x_labels = [row.label for row in rows]
    for index, column in enumerate(table.columns):
        chart.add(column, [row.cells[index].value for row in rows])
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}script", "script"):
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="unicode")
