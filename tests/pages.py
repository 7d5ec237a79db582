"""Helpers for tests that read a page as the signed-in person sees it."""


def page_text(client, url: str) -> str:
    """The page at `url`, which must answer 200, as text."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
