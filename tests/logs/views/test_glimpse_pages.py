"""The log pages through the Django test client: glimpses (R-GLIM-01, R-GEN-04).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

from logs.models import Glimpse
from logs.services import (
    create_glimpse,
)
from organisations.enums import Role
from tests.factories import (
    make_concern,
)
from tests.logs.views.helpers import (
    detail_url,
    field_error,
    glimpse_url,
    in_days,
    login,
    page,
    reload,
    textarea,
    today,
)

# --- glimpses (R-GLIM-01, R-GEN-04) ---------------------------------------------------------


def test_an_actor_adds_a_glimpse_the_holder_publishes_it_the_guardian_sees_it_R_GLIM_01(
    client, holder, actor, guardian_user, log
):
    make_concern(log, actors=[actor])
    login(client, actor)

    response = client.post(
        glimpse_url(log),
        {"text": "Sara leste en hel bok", "happened_on": today().isoformat()},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == detail_url(log)
    assert "Nytt lysglimt lagt til!" in page(response)  # R-GEN-04
    glimpse = Glimpse.objects.get()
    assert glimpse.author == actor
    assert glimpse.author_role == Role.ACTOR
    assert not glimpse.is_published

    client.force_login(guardian_user)
    assert "Sara leste en hel bok" not in page(client.get(detail_url(log)))

    client.force_login(holder)
    assert "Sara leste en hel bok" in page(client.get(detail_url(log)))
    response = client.post(f"/logger/lysglimt/{glimpse.pk}/publiser/", follow=True)
    assert "Lysglimtet er publisert." in page(response)
    assert reload(glimpse).is_published

    client.force_login(guardian_user)
    assert "Sara leste en hel bok" in page(client.get(detail_url(log)))


def test_the_guardian_sees_published_glimpses_but_not_others_unpublished_ones_R_GLIM_01(
    client, holder, guardian_user, log
):
    create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Publisert glimt", happened_on=today(), publish=True
    )
    create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast til glimt", happened_on=today())
    login(client, guardian_user)

    html = page(client.get(detail_url(log)))

    assert "Publisert glimt" in html
    assert "Utkast til glimt" not in html


def test_a_guardian_adds_a_glimpse_through_the_page_R_GLIM_01_R_GEN_04(client, guardian_user, log):
    login(client, guardian_user)

    response = client.post(
        glimpse_url(log),
        {"text": "Syklet uten støttehjul", "happened_on": today().isoformat(), "publish": "on"},
        follow=True,
    )

    assert "Nytt lysglimt lagt til!" in page(response)
    glimpse = Glimpse.objects.get()
    assert glimpse.author == guardian_user
    assert glimpse.is_published


def test_a_glimpse_dated_in_the_future_is_refused_next_to_the_date_R_GLIM_01(client, holder, log):
    login(client, holder)

    response = client.post(
        glimpse_url(log), {"text": "Snart", "happened_on": in_days(2).isoformat()}
    )

    assert response.status_code == 200
    html = page(response)
    assert "fram i tid" in field_error(html, "id_happened_on")
    assert textarea(html, "text") == "Snart"
    assert not Glimpse.objects.exists()


def test_an_actor_cannot_publish_the_holders_draft_R_GLIM_01(client, holder, actor, log):
    make_concern(log, actors=[actor])
    draft = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    login(client, actor)

    response = client.post(f"/logger/lysglimt/{draft.pk}/publiser/")

    assert response.status_code == 404
    assert not reload(draft).is_published
