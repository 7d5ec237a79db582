"""`{% keep "name" value value … %}…{% endkeep %}`: a part of a template rendered once per
set of values and language, and kept in the cache (issue 9).

Meant for the layout's header and footer, which every page renders the same for the same
person on the same kind of page. The values are what the part shows: every variable the part
reads must be among them (tests/common/test_kept_layout.py checks the layout's), since the
part is rendered from the context only when nothing is kept under them.

Inside the part, `{% csrf_token %}` and `{{ kept_path }}` (the page's address) render marks,
and each request puts its own token and address there (common.splice): the part is kept
for the person, not for the page or the browser.
"""

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from common.kept_html import csrf_mark, digest, kept, path_mark, version_key
from common.splice import Part, pieces_of, rendering_apart

register = template.Library()


class KeepNode(Node):
    # Django looks for blocks in the whole layout on every render ({% extends %}): a kept
    # part holds none (a child template's block inside it would be kept for every page).
    child_nodelists = ()

    def __init__(self, name: str, values: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        request = context.get("request")
        if request is None:  # rendered for no request (an e-mail): nothing to keep it for
            return self.nodelist.render(context)
        values = [value.resolve(context) for value in self.values]
        key = f"keep:{self.name}:{digest(values)}:{get_language()}:{version_key()}"
        pieces = kept(key, lambda: pieces_of(self._render_with_marks(context)))
        return Part(request, pieces).html()

    def _render_with_marks(self, context: Context) -> SafeString:
        with rendering_apart(), context.push(csrf_token=csrf_mark(), kept_path=path_mark()):
            return self.nodelist.render(context)


@register.tag
def keep(parser: Parser, token: Token) -> KeepNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% keep %} takes a quoted name, then its values.")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A page's block would be kept for every page, and Django, which does not look
        # for blocks in a kept part, would give its {{ block.super }} nothing.
        raise template.TemplateSyntaxError("{% keep %} cannot hold a {% block %}.")
    return KeepNode(bits[1][1:-1], values, nodelist)
