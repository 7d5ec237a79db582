from django.urls import path

from logs import concern_views, invitation_views, transfer_views, views

app_name = "logs"

urlpatterns = [
    path("", views.log_list, name="list"),
    path("ny/", views.log_create, name="create"),
    path("<int:pk>/", views.log_detail, name="detail"),
    path("<int:pk>/historikk/", views.log_history, name="history"),
    path("<int:pk>/barn/", views.child_edit, name="child_edit"),
    path("<int:pk>/niva/", views.level_change, name="level"),
    path("<int:pk>/foresatte/ny/", views.guardian_add, name="guardian_add"),
    path("foresatte/<int:pk>/", views.guardian_edit, name="guardian_edit"),
    path("foresatte/<int:pk>/fjern/", views.guardian_remove, name="guardian_remove"),
    path(
        "foresatte/<int:pk>/invitasjon/",
        invitation_views.guardian_letter,
        name="guardian_letter",
    ),
    path("<int:pk>/samtykke/", views.consent_upload, name="consent_upload"),
    path("samtykke/<int:pk>/fil/", views.consent_file, name="consent_file"),
    path("<int:pk>/passiv/", views.set_passive, name="passive"),
    path("<int:pk>/lysglimt/ny/", views.glimpse_create, name="glimpse_create"),
    path("lysglimt/<int:pk>/publiser/", views.glimpse_publish, name="glimpse_publish"),
    path("<int:pk>/oppmerksomheter/ny/", concern_views.concern_create, name="concern_create"),
    path("oppmerksomheter/<int:pk>/", concern_views.concern_edit, name="concern_edit"),
    path("oppmerksomheter/<int:pk>/avslutt/", concern_views.concern_close, name="concern_close"),
    path(
        "oppmerksomheter/<int:pk>/tiltak/ny/", concern_views.measure_create, name="measure_create"
    ),
    path("tiltak/<int:pk>/", concern_views.measure_edit, name="measure_edit"),
    path("tiltak/<int:pk>/evaluer/", concern_views.measure_evaluate, name="measure_evaluate"),
    path("tiltak/<int:pk>/videre/", concern_views.evaluation_next, name="evaluation_next"),
    path("tiltak/<int:pk>/frist/", concern_views.measure_deadline, name="measure_deadline"),
    path("<int:pk>/overfor/", transfer_views.transfer_create, name="transfer_create"),
    path("overforinger/<int:pk>/godta/", transfer_views.transfer_accept, name="transfer_accept"),
    path("overforinger/<int:pk>/videre/", transfer_views.transfer_forward, name="transfer_forward"),
    path(
        "overforinger/<int:pk>/trekk-tilbake/",
        transfer_views.transfer_withdraw,
        name="transfer_withdraw",
    ),
]
