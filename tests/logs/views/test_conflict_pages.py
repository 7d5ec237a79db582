"""The log pages through the Django test client: optimistic locking through the pages
(R-SEC-05).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import re

from logs.services import (
    update_child,
    update_concern,
)
from tests.factories import (
    VALID_NATIONAL_ID,
    make_concern,
)
from tests.logs.views.helpers import (
    CONFLICT,
    child_form_data,
    login,
    page,
    reload,
    textarea,
)

# --- optimistic locking through the pages (R-SEC-05) ----------------------------------------


def test_a_stale_concern_form_is_refused_and_keeps_the_typed_text_R_SEC_05_R_GEN_04(
    client, holder, log
):
    concern = make_concern(log)
    login(client, holder)
    url = f"/logger/oppmerksomheter/{concern.pk}/"
    form_page = page(client.get(url))
    version = re.search(r'name="version" value="(\d+)"', form_page).group(1)

    update_concern(concern, by=holder, version=int(version), description="Lagret først")
    response = client.post(
        url,
        {
            "description": "Min tekst som ikke må forsvinne",
            "category": str(concern.category_id),
            "goal": "Bedre språk",
            "child_voice": "",
            "version": version,
        },
    )

    assert response.status_code == 200
    html = page(response)
    assert CONFLICT in html
    assert textarea(html, "description") == "Min tekst som ikke må forsvinne"
    assert reload(concern).description == "Lagret først"


def test_a_concern_form_with_the_current_version_saves_R_SEC_05_R_LOG_08(client, holder, log):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(
        f"/logger/oppmerksomheter/{concern.pk}/",
        {
            "description": "Ny tekst",
            "category": str(concern.category_id),
            "goal": "Bedre språk",
            "child_voice": "",
            "version": str(concern.version),
        },
        follow=True,
    )

    assert "Oppmerksomheten er lagret." in page(response)
    assert reload(concern).description == "Ny tekst"


def test_a_stale_child_form_is_refused_and_keeps_the_typed_values_R_SEC_05_R_GEN_04(
    client, holder, log
):
    login(client, holder)
    url = f"/logger/{log.pk}/barn/"
    version = re.search(r'name="version" value="(\d+)"', page(client.get(url))).group(1)

    update_child(log, by=holder, version=int(version), place="Bergen")
    response = client.post(url, child_form_data(version, **{"child-place": "Trondheim"}))

    assert response.status_code == 200
    html = page(response)
    assert CONFLICT in html
    assert 'value="Trondheim"' in html
    assert reload(log.child).place == "Bergen"


def test_saving_the_refused_child_form_again_is_still_a_conflict_R_SEC_05(client, holder, log):
    """The refused form keeps the version the person started from: a second click on
    *Lagre* must not overwrite what the other person saved without their seeing it."""
    login(client, holder)
    url = f"/logger/{log.pk}/barn/"
    version = re.search(r'name="version" value="(\d+)"', page(client.get(url))).group(1)
    update_child(log, by=holder, version=int(version), place="Bergen")

    refused = page(client.post(url, child_form_data(version, **{"child-place": "Trondheim"})))
    echoed = re.search(r'name="version" value="(\d+)"', refused).group(1)
    again = client.post(url, child_form_data(echoed, **{"child-place": "Trondheim"}))

    assert echoed == version
    assert again.status_code == 200
    assert CONFLICT in page(again)
    assert reload(log.child).place == "Bergen"


def test_the_child_form_with_the_current_version_saves_R_SEC_05_R_LOG_08(client, holder, log):
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/barn/", child_form_data(log.version, **{"child-place": "Bodø"})
    )

    assert response.status_code == 302
    child = reload(log.child)
    assert child.place == "Bodø"
    assert child.national_id == VALID_NATIONAL_ID  # an empty field keeps the number
