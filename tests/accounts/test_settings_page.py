"""Settings: own contact information and language (R-GEN-01, R-GEN-04)."""

from audit.models import AuditEvent

URL = "/konto/innstillinger/"


def _data(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": "",
        "language": "nb",
    }
    data.update(changes)
    return data


def test_settings_saves_contact_information_and_language_R_GEN_01(client, holder):
    client.force_login(holder)
    response = client.post(URL, _data(holder, phone="+47 912 34 567", language="nn"), follow=True)
    holder.refresh_from_db()
    assert holder.phone == "+47 912 34 567"
    assert holder.language == "nn"
    assert response.status_code == 200
    assert client.cookies["django_language"].value == "nn"


def test_saved_settings_confirm_at_the_top_R_GEN_04(client, holder):
    client.force_login(holder)
    response = client.post(URL, _data(holder, phone="912 34 567"), follow=True)
    assert "Innstillingene er lagret." in response.content.decode()


def test_bad_phone_and_email_show_messages_and_keep_the_input_R_GEN_04(client, holder):
    client.force_login(holder)
    response = client.post(URL, _data(holder, phone="ring meg", email="ikke-en-adresse"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv et gyldig telefonnummer" in html
    assert 'value="ring meg"' in html
    assert 'value="ikke-en-adresse"' in html
    assert 'aria-invalid="true"' in html
    holder.refresh_from_db()
    assert holder.phone == ""


def test_email_of_another_user_is_refused(client, holder, other_holder):
    client.force_login(holder)
    response = client.post(URL, _data(holder, email=other_holder.email.upper()))
    assert "allerede i bruk" in response.content.decode()


def test_settings_change_is_audited_without_values_R_SEC_01(client, holder):
    client.force_login(holder)
    client.post(URL, _data(holder, phone="912 34 567"))
    event = AuditEvent.objects.get(action="account.settings_changed")
    assert event.data == {"fields": ["phone"]}
    assert "912" not in str(event.data)


def test_language_is_applied_at_login_R_GEN_01(client, holder):
    holder.language = "en"
    holder.save()
    response = client.post(
        "/konto/logg-inn/", {"username": holder.email, "password": "riktig-hest-batteri-stift"}
    )
    assert response.cookies["django_language"].value == "en"


def test_header_language_switch_saves_the_choice_for_a_signed_in_user_R_GEN_01(client, holder):
    client.force_login(holder)
    response = client.post("/sprak/", {"language": "nn", "next": URL})
    assert response["Location"] == URL
    holder.refresh_from_db()
    assert holder.language == "nn"


def test_header_language_switch_works_anonymously_and_ignores_bad_values(client, db):
    response = client.post("/sprak/", {"language": "en", "next": "/konto/logg-inn/"})
    assert response.cookies["django_language"].value == "en"
    response = client.post("/sprak/", {"language": "xx", "next": "/konto/logg-inn/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
