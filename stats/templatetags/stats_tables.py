"""The body of a statistics table, joined in Python.

A whole city's table has a row for each of its hundreds of units; rendered by the template
engine, a cell at a time, that costs more than counting them. Every part is escaped here
(as common.forms.PlainSelect does for a long drop-down).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from stats.tables import Table

register = template.Library()


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    texts: dict[str, str] = {}

    def cell(text: str) -> str:
        if text not in texts:
            texts[text] = f'<td class="number">{escape(text)}</td>'
        return texts[text]

    rows = (
        f'<tr><th scope="row">{escape(row.label)}</th>'
        + "".join(cell(c.text) for c in row.cells)
        + cell(row.total.text)
        + "</tr>"
        for row in table.rows
    )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part escaped above
