"""HEAD answers what GET answers, on every URL (R-ROLE-07): uptime monitors and link checkers
ask with HEAD, and a page that refuses HEAD with 405 looks down when it is up.

Generated from the URL resolver, with the arguments and the expected GET status of each URL
taken from the authorization matrix (tests/test_authorization_matrix.py), so a new URL is
covered as soon as it has its row there.
"""

import pytest
from django.urls import reverse

from tests import test_authorization_matrix as matrix

world = matrix.world  # the fixture: the same log and people as the matrix

# Anonymous, and the signed-in persona the page is for (so HEAD runs the view's own code too).
SIGNED_IN_ORDER = ["holder", "holder_other_unit", "actor", "guardian", "leader"]


def _allowed_persona(rows: dict) -> str:
    """The first signed-in persona whose GET is answered with a page, else the holder."""
    for who in SIGNED_IN_ORDER:
        if rows[who][0] == 200:
            return who
    return "holder"


def _head_and_get_differ(client, world, who: str) -> list[tuple]:
    differences = []
    for name in sorted(set(matrix._url_names())):
        args_builder, rows = matrix.MATRIX[name]
        persona = _allowed_persona(rows) if who == "signed_in" else who
        user = world["users"][persona]
        client.logout()
        if user is not None:
            client.force_login(user)
        url = reverse(name, args=args_builder(world))
        head = client.head(url)
        want = rows[persona][0]
        got = head.status_code
        if want == matrix.LOGIN:
            ok = got == 302 and head["Location"].startswith("/konto/logg-inn/")
        else:
            ok = got == want
        # Reading a streamed body to its end closes the response (and its file), as the test
        # client does; closing it again would close the database connection too.
        body = b"".join(head.streaming_content) if head.streaming else head.content
        if not ok or body:
            differences.append((name, persona, want, got, len(body)))
    return differences


@pytest.mark.parametrize("who", ["anonymous", "signed_in"])
def test_head_gets_the_status_get_gets_on_every_url_never_405_R_ROLE_07(client, world, who):
    assert _head_and_get_differ(client, world, who) == []
