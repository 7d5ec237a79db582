"""The error pages (R-GEN-06): what is not in the page's language is marked with its own."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_500_page_marks_its_english_sentence_as_english_R_GEN_06(db):
    html = server_error(RequestFactory().get("/")).content.decode()

    assert '<html lang="nb">' in html
    assert '<p lang="en">Something went wrong on our side. Please try again.</p>' in html
    assert html.count("Something went wrong") == 1
